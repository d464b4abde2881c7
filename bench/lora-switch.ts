/**
 * Switching LoRAs on the fp32 SD 1.5 UNet (seeded, `models build --preset sd15-random`) on the CPU
 * EP: what the app does (merge the changed weights into .lora-merged/, open a session from the
 * unchanged graph; app/models/lora/lora-model.ts) against a full rebuild (the merged UNet written
 * as a new model file and opened as one). Prints a table and writes it to bench/results.
 *
 *   node --import tsx bench/lora-switch.ts [--work DIR] [--out bench/results] [--keep] [--open-all]
 *
 * --work holds the 3.4 GB UNet and the rebuilt copy (another 3.4 GB); deleted at the end unless
 * --keep. The LoRAs are kohya-named and sized like common SD 1.5 files: "attention" is rank 32 on
 * every Linear and 1×1 conv of the transformer blocks (kohya's default targets); "LoCon" adds rank
 * 16 on every 3×3 conv of the resnets. Opening the fp32 UNet is minutes of ORT graph optimisation
 * on a shared 2-core machine, the same graph every time, so only the first two switches open a
 * session unless --open-all; the others time the merge.
 */
import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergedWeights, type AppliedLora } from '../app/models/lora/lora-merge.js';
import { modelWithLoras } from '../app/models/lora/lora-model.js';
import { fileFingerprint } from '../app/models/model-files.js';
import { buildPresetUNet } from '../app/models/sd/pipeline-builder.js';
import { writeSafetensors, type TensorToWrite } from '../app/models/weights/index.js';
import { readModel, writeModel } from '../app/onnx/model-io.js';
import type { OnnxTensor } from '../app/onnx/model.js';
import { withRawData } from '../app/onnx/tensor-data.js';
import { openSession } from '../app/runtime/session.js';
import { cpuMachineName } from './gpu-probe.js';
import { writeTableFile } from './table-file.js';

const { values: args } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/lora-switch' },
    out: { type: 'string', default: 'bench/results' },
    keep: { type: 'boolean', default: false },
    'open-all': { type: 'boolean', default: false },
  },
});

const work = path.resolve(args.work!);
const unet = path.join(work, 'source', 'unet', 'model.onnx');
const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (start: number) => (performance.now() - start) / 1000;

function seeded(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 0.02;
  });
}

/** A kohya LoRA on every weight `select` picks: [torch dims] → module tensors (fp16, as trainers save them). */
async function writeBenchLora(file: string, initializers: readonly OnnxTensor[], select: (name: string, dims: readonly number[]) => number | null): Promise<number> {
  const tensors: Record<string, TensorToWrite> = {};
  let seed = 1;
  for (const tensor of initializers) {
    const name = tensor.name ?? '';
    const rank = select(name, tensor.dims);
    if (rank === null) continue;
    const transposed = name.endsWith('.weight.T');
    const [out, inner] = transposed ? [tensor.dims[1]!, tensor.dims[0]!] : [tensor.dims[0]!, tensor.dims.slice(1).reduce((a, b) => a * b, 1)];
    const downShape = transposed ? [rank, inner] : [rank, ...tensor.dims.slice(1)];
    const upShape = transposed ? [out, rank] : [out, rank, 1, 1];
    const base = `lora_unet_${name.replace(/\.weight(\.T)?$/, '').replaceAll('.', '_')}`;
    tensors[`${base}.lora_down.weight`] = { dtype: 'F16', shape: downShape, data: seeded(rank * inner, seed++) };
    tensors[`${base}.lora_up.weight`] = { dtype: 'F16', shape: upShape, data: seeded(out * rank, seed++) };
    tensors[`${base}.alpha`] = { dtype: 'F16', shape: [], data: Float32Array.of(rank / 2) };
  }
  await writeSafetensors(file, tensors);
  return Object.keys(tensors).length / 3;
}

const inTransformer = (name: string) => /attentions\.\d+\.(transformer_blocks\..*\.weight\.T|proj_(in|out)\.weight)$/.test(name);
const resnetConv = (name: string, dims: readonly number[]) => /resnets\.\d+\.conv[12]\.weight$/.test(name) && dims[2] === 3;

interface Row {
  what: string;
  prepareS: number;
  /** null: not opened */
  openS: number | null;
}

async function timedLoraSwitch(what: string, loras: readonly AppliedLora[], open: boolean): Promise<Row> {
  const start = performance.now();
  const merged = await modelWithLoras(unet, 'unet', loras);
  const prepareS = seconds(start);
  if (!open) {
    log(`${what}: merge + write ${prepareS.toFixed(1)} s`);
    return { what, prepareS, openS: null };
  }
  const openStart = performance.now();
  const session = await openSession(merged.model, { executionProvider: 'cpu', externalDataFolder: merged.folder });
  const openS = seconds(openStart);
  await session.release();
  log(`${what}: merge + write ${prepareS.toFixed(1)} s, open ${openS.toFixed(1)} s`);
  return { what, prepareS, openS };
}

/** The baked-in alternative: the whole merged UNet written as a new model and opened as one. */
async function timedRebuild(loras: readonly AppliedLora[]): Promise<Row> {
  const start = performance.now();
  const model = await readModel(unet);
  const merged = await mergedWeights(model, 'unet', loras, 'sd15-random');
  const initializer = model.graph.initializer.map((tensor) => {
    const weight = merged.get(tensor.name ?? '');
    return weight ? withRawData(tensor, new Uint8Array(weight.buffer, weight.byteOffset, weight.byteLength)) : tensor;
  });
  const target = path.join(work, 'rebuilt', 'unet', 'model.onnx');
  await rm(path.dirname(target), { recursive: true, force: true });
  await mkdir(path.dirname(target), { recursive: true });
  await writeModel({ ...model, graph: { ...model.graph, initializer } }, target, { externalData: 'model.onnx_data' });
  const prepareS = seconds(start);
  const openStart = performance.now();
  const session = await openSession(target, { executionProvider: 'cpu' });
  const openS = seconds(openStart);
  await session.release();
  log(`full rebuild: write ${prepareS.toFixed(1)} s, open ${openS.toFixed(1)} s`);
  return { what: 'full rebuild: the merged UNet written as a new model file and opened', prepareS, openS };
}

if (!existsSync(unet)) {
  log('building the seeded SD 1.5 UNet (fp32)…');
  await buildPresetUNet('sd15-random', { out: path.join(work, 'source'), dtype: 'float32', resolution: 512 });
}
const { initializer } = (await readModel(unet)).graph;
const attentionFile = path.join(work, 'loras', 'attention.safetensors');
const loconFile = path.join(work, 'loras', 'locon.safetensors');
await mkdir(path.dirname(attentionFile), { recursive: true });
const attentionModules = await writeBenchLora(attentionFile, initializer, (name) => (inTransformer(name) ? 32 : null));
const loconModules = await writeBenchLora(loconFile, initializer, (name, dims) => (inTransformer(name) ? 32 : resnetConv(name, dims) ? 16 : null));
const lora = (file: string, strength: number): AppliedLora => ({ file, fingerprint: fileFingerprint(file), strength, components: ['unet'] });

const openAll = args['open-all'] === true;
const rows = [
  await timedLoraSwitch('LoRA on (attention, strength 1)', [lora(attentionFile, 1)], true),
  await timedLoraSwitch('strength changed (attention, 0.5)', [lora(attentionFile, 0.5)], true),
  await timedLoraSwitch('another LoRA (LoCon, strength 1)', [lora(loconFile, 1)], openAll),
  await timedLoraSwitch('two stacked (attention 0.5 + LoCon 0.8)', [lora(attentionFile, 0.5), lora(loconFile, 0.8)], openAll),
  await timedRebuild([lora(attentionFile, 1)]),
];
const cell = (value: number | null) => (value === null ? '(not opened)' : value.toFixed(1));

const machine = cpuMachineName();
const lines = [
  `# Switching a LoRA on the fp32 SD 1.5 UNet (seeded), CPU EP — ${machine}`,
  '',
  `${new Date().toISOString()} · node ${process.version} · ORT default threads · LoRAs: attention = ${attentionModules} modules rank 32, LoCon = ${loconModules} modules (rank 32 attention + rank 16 resnet 3×3) · the cores may be shared with other jobs: compare within the run.`,
  '',
  '| switch | merge + write s | session open s | total s |',
  '|---|---|---|---|',
  ...rows.map((row) => `| ${row.what} | ${row.prepareS.toFixed(1)} | ${cell(row.openS)} | ${cell(row.openS === null ? null : row.prepareS + row.openS)} |`),
  '',
  'A LoRA session opens from bytes, so it cannot use the optimised-model cache; the plain UNet\'s cached open is in *-unet-memory-startup.md.',
];
log(`\n${lines.join('\n')}`);
writeTableFile(args.out!, `${machine}-lora-switch-sd15.md`, lines);
if (!args.keep) await rm(work, { recursive: true, force: true });
