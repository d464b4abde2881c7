/**
 * The experiment's methods as workflows: the default workflow with the method's nodes inserted on
 * the Sampler's MODEL input (or, for the hires-fix baseline, a LatentUpscaleBy and a second Sampler
 * after it), so the benchmark runs exactly what a user wiring these nodes would run.
 * The ScaleCrafter settings are tools/emoji-scalecrafter-rule.ts's.
 */
import type { Workflow } from '../../app/protocol/index.js';
import { DISPERSED_CONVS, scaledRule } from '../../tools/emoji-scalecrafter-rule.js';
import { HIRES_FIX_DENOISE, insertHiresFix, insertModelPatch, setWidgets } from '../../tools/workflow-patching.js';

export const METHODS = ['direct', 'hires-fix', 'attn-sf', 'redilate', 'redilate+ndcfg', 'redilate+disperse'] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_LABELS: Readonly<Record<Method, string>> = {
  direct: 'Direct-Inf',
  'hires-fix': 'Hires fix',
  'attn-sf': 'Attn-SF',
  redilate: 'ScaleCrafter (re-dilation)',
  'redilate+ndcfg': 'ScaleCrafter + ND-CFG',
  'redilate+disperse': 'ScaleCrafter + dispersion',
};

export interface GenerationSettings {
  model: string;
  trainingSize: number;
  size: number;
  prompt: string;
  seed: number;
  batch: number;
  steps: number;
  cfg: number;
  filenamePrefix: string;
}

/** The base workflow (workflows/default.json) for one method, caption, size and seed. */
export function methodWorkflow(method: Method, base: Workflow, settings: GenerationSettings): Workflow {
  const workflow = structuredClone(base);
  setWidgets(workflow, 'LoadCheckpoint', { model: settings.model });
  const [positive] = workflow.nodes.filter((node) => node.type === 'TextEncode').sort((a, b) => a.id - b.id);
  positive!.widgets.text = settings.prompt;
  setWidgets(workflow, 'EmptyLatentImage', { width: settings.size, height: settings.size, batch_size: settings.batch });
  setWidgets(workflow, 'Sampler', { seed: settings.seed, steps: settings.steps, cfg: settings.cfg, sampler: 'ddim', scheduler: 'normal', eta: 0, denoise: 1 });
  setWidgets(workflow, 'SaveImage', { filename_prefix: settings.filenamePrefix });
  const ratio = (settings.size / settings.trainingSize) ** 2;
  if (method === 'attn-sf') insertModelPatch(workflow, 'AttentionScale', { train_width: settings.trainingSize, train_height: settings.trainingSize }, [860, 520]);
  if (method === 'hires-fix') {
    // ComfyUI users' way to a large image: the training size, the latent upscaled, re-sampled.
    setWidgets(workflow, 'EmptyLatentImage', { width: settings.trainingSize, height: settings.trainingSize });
    insertHiresFix(workflow, settings.size / settings.trainingSize, HIRES_FIX_DENOISE, [860, 520]);
  }
  if (method === 'direct' || method === 'attn-sf' || method === 'hires-fix') return workflow;
  const rule = scaledRule(ratio);
  insertModelPatch(workflow, 'ReDilate', { layers: rule.dilation, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive }, [860, 520]);
  if (method === 'redilate+ndcfg') insertModelPatch(workflow, 'NoiseDampedCFG', { layers: rule.noiseDampedBase, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive }, [860, 800]);
  if (method === 'redilate+disperse') insertModelPatch(workflow, 'DisperseConv', { layers: DISPERSED_CONVS, eta: 0.05, start: 0, end: rule.tau }, [860, 800]);
  return workflow;
}
