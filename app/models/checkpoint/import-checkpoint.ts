/**
 * Converts one original single-file checkpoint (.safetensors in the LDM / sgm layout) into a
 * diffusers-ONNX pipeline folder: the architecture is read off the tensor shapes
 * (checkpoint-plan.ts), every graph is built by the same builders as `models build`, reading its
 * parameters through CheckpointWeights (renamed, sliced, transposed on demand: the file is never
 * materialised), then the family's scheduler config, model_index.json and CLIP tokenizer(s) are
 * written. The folder appears atomically (built aside, renamed into place).
 */
import { basename } from 'node:path';
import type { OnnxModel } from '../../onnx/model.js';
import { writeFolderAtomically } from '../folder-swap.js';
import type { ModelFamily } from '../pipeline-folder.js';
import { buildClipTextModel } from '../sd/clip-text.js';
import { parseClipTextConfig } from '../sd/clip-text-config.js';
import { initializerBytes, writeComponent, type PipelineComponent } from '../sd/component-writer.js';
import type { FloatType } from '../sd/layers/layer-context.js';
import { buildUNet } from '../sd/unet.js';
import { parseUNetConfig } from '../sd/unet-config.js';
import { buildVaeDecoder, buildVaeEncoder } from '../sd/vae.js';
import { parseVaeConfig } from '../sd/vae-config.js';
import type { SafetensorsFile } from '../weights/safetensors-file.js';
import { checkpointShapes, openCheckpointFile } from './checkpoint-file.js';
import { planCheckpoint, type CheckpointPlan, type ComponentPlan, type PlanOptions } from './checkpoint-plan.js';
import { CheckpointWeights } from './checkpoint-weights.js';
import { writeFamilyTokenizers, writeSchedulerAndIndex } from './family-files.js';
import { detectPrediction, type PredictionDecision, type PredictionType } from './prediction-type.js';

export interface ImportProgress {
  /** What is being done: "unet", "vae_decoder", "tokenizer", … */
  stage: string;
  /** Checkpoint tensors converted so far, of `total`. */
  done: number;
  total: number;
}

export interface CheckpointImportOptions {
  out: string;
  family?: ModelFamily;
  prediction?: PredictionType;
  unetConfig?: Record<string, unknown>;
  vaeConfig?: Record<string, unknown>;
  /** Weights and float I/O of the graphs (default float32, as `models build` from files). */
  dtype?: FloatType;
  /** Replace an existing folder (default false). */
  overwrite?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  /** Writes extra files into the staging folder last, so they exist only in a complete pipeline (the cache's source stamp). */
  stamp?: (staging: string) => Promise<void>;
}

export interface CheckpointImportReport {
  folder: string;
  family: ModelFamily;
  prediction: PredictionDecision;
  /** Stored keys no mapping knows (warned about). */
  leftOver: string[];
  /** Mapped parameters no graph used. */
  unusedParameters: string[];
  /** Initializer bytes per written component. */
  componentBytes: Partial<Record<PipelineComponent, number>>;
}

/** Plans the import: family and prediction first (SD 2.x's sample size depends on the prediction), then the mappings. */
export function planImport(file: SafetensorsFile, options: Pick<CheckpointImportOptions, 'family' | 'prediction' | 'unetConfig' | 'vaeConfig'>): { plan: CheckpointPlan; prediction: PredictionDecision } {
  const shapes = checkpointShapes(file);
  const planOptions: PlanOptions = {
    ...(options.family ? { family: options.family } : {}),
    ...(options.unetConfig ? { unetConfig: options.unetConfig } : {}),
    ...(options.vaeConfig ? { vaeConfig: options.vaeConfig } : {}),
  };
  const first = planCheckpoint(shapes, file.path, planOptions);
  const prediction = options.prediction
    ? { prediction: options.prediction, reason: 'given with --prediction' }
    : detectPrediction(file, first.family, first.unetShape.inChannels);
  const plan = prediction.prediction === 'v_prediction' ? planCheckpoint(shapes, file.path, { ...planOptions, vPrediction: true }) : first;
  return { plan, prediction };
}

/** Counts converted tensors against the total and reports them with the current stage. */
class ProgressCounter {
  private done = 0;
  private stage = '';

  constructor(private readonly total: number, private readonly onProgress: CheckpointImportOptions['onProgress']) {}

  enter(stage: string): void {
    this.stage = stage;
    this.onProgress?.({ stage, done: this.done, total: this.total });
  }

  readonly tick = (): void => {
    this.done++;
    this.onProgress?.({ stage: this.stage, done: this.done, total: this.total });
  };
}

interface BuildState {
  file: SafetensorsFile;
  staging: string;
  dtype: FloatType;
  report: CheckpointImportReport;
  progress: ProgressCounter;
}

/** Builds and writes each graph in turn (one in memory at a time), all reading one component's weights. */
async function buildComponents(state: BuildState, component: ComponentPlan, label: string, graphs: Array<[PipelineComponent, (weights: CheckpointWeights) => OnnxModel]>): Promise<void> {
  const weights = new CheckpointWeights(state.file, component.mapping, label, state.progress.tick);
  for (const [name, build] of graphs) {
    state.progress.enter(name);
    const graph = build(weights);
    state.progress.enter(`writing ${name}`);
    state.report.componentBytes[name] = initializerBytes(graph);
    await writeComponent(state.staging, name, graph, component.config);
  }
  state.report.unusedParameters.push(...weights.unusedParameters().map((name) => `${label}: ${name}`));
}

async function writePipeline(state: BuildState, plan: CheckpointPlan, prediction: PredictionType): Promise<void> {
  const { dtype } = state;
  const metadata = { 'scalecrafter.source': `imported from ${basename(state.file.path)}` };
  const textEncoder = plan.textEncoders.text_encoder!;
  await buildComponents(state, textEncoder, 'text_encoder', [['text_encoder', (weights) => buildClipTextModel(parseClipTextConfig(textEncoder.config), weights, { dtype, metadata })]]);
  // SDXL's OpenCLIP-bigG: CLIPTextModelWithProjection, whose pooled, projected output conditions the UNet.
  const textEncoder2 = plan.textEncoders.text_encoder_2;
  if (textEncoder2) {
    const config = parseClipTextConfig(textEncoder2.config, 'text_encoder_2');
    await buildComponents(state, textEncoder2, 'text_encoder_2', [['text_encoder_2', (weights) => buildClipTextModel(config, weights, { dtype, metadata, withProjection: true })]]);
  }
  await buildComponents(state, plan.unet, 'unet', [['unet', (weights) => buildUNet(parseUNetConfig(plan.unet.config), weights, { dtype, metadata })]]);
  const vae = parseVaeConfig(plan.vae.config);
  await buildComponents(state, plan.vae, 'vae', [
    ['vae_decoder', (weights) => buildVaeDecoder(vae, weights, { dtype, metadata })],
    ['vae_encoder', (weights) => buildVaeEncoder(vae, weights, { dtype, metadata })],
  ]);
  state.progress.enter('tokenizer');
  await writeFamilyTokenizers(state.staging, plan.family);
  await writeSchedulerAndIndex(state.staging, plan.family, prediction);
}

export async function importCheckpointFile(checkpoint: string, options: CheckpointImportOptions): Promise<CheckpointImportReport> {
  const file = await openCheckpointFile(checkpoint);
  try {
    const { plan, prediction } = planImport(file, options);
    const report: CheckpointImportReport = { folder: '', family: plan.family, prediction, leftOver: plan.leftOver, unusedParameters: [], componentBytes: {} };
    // The VAE's mapping is counted once though two graphs read it: encoder and decoder read disjoint halves.
    const total = plan.unet.mapping.size + plan.vae.mapping.size + Object.values(plan.textEncoders).reduce((sum, encoder) => sum + encoder.mapping.size, 0);
    const progress = new ProgressCounter(total, options.onProgress);
    const write = async (staging: string) => {
      await writePipeline({ file, staging, dtype: options.dtype ?? 'float32', report, progress }, plan, prediction.prediction);
      await options.stamp?.(staging);
    };
    report.folder = await writeFolderAtomically(options.out, write, { overwrite: options.overwrite === true });
    return report;
  } finally {
    await file.close();
  }
}
