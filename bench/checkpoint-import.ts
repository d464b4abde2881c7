/**
 * Memory of importing a full-size single-file checkpoint: an SD 1.5-layout .safetensors (the
 * layout of v1-5-pruned-emaonly) or an SDXL-layout one (sd_xl_base_1.0), every tensor at its real
 * shape, is written SPARSE — a real header,
 * the data section a hole that reads as zeros — so the benchmark needs no download and no disk for
 * the input; then `importCheckpointFile` converts it in a fresh child process per case, and the
 * child's peak resident set (Linux VmHWM) is reported next to the file size and the largest
 * component's weights. The import streams tensor by tensor, so the peak should sit near the
 * largest component (the UNet graph held until written), not near the file size.
 *
 *   node --import tsx bench/checkpoint-import.ts [--family sd15|sdxl] [--dtypes float16,float32] [--stored F16|F32] [--out DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importCheckpointFile } from '../app/models/checkpoint/import-checkpoint.js';
import { allTensors } from '../test/models/checkpoint/specs.js';
import { hfClipTensors, ldmUNetTensors, ldmVaeTensors, openClipTensors } from '../test/reference/ldm-checkpoint-layout.js';
import { writeSparseLdmCheckpoint } from '../test/support/ldm-checkpoint-files.js';
import { machineName } from './gpu-probe.js';
import { peakRss, writeTableFile } from './table-file.js';

const { values: args } = parseArgs({
  options: {
    family: { type: 'string', default: 'sd15' },
    dtypes: { type: 'string', default: 'float16' },
    stored: { type: 'string', default: 'F16' },
    out: { type: 'string' },
    // child mode
    child: { type: 'string' },
    dtype: { type: 'string' },
    target: { type: 'string' },
  },
});

const SD_VAE = ldmVaeTensors({ ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, inChannels: 3, outChannels: 3 });
const CLIP_L = { vocab: 49408, positions: 77, width: 768, layers: 12, intermediate: 3072 };

const LAYOUTS = {
  sd15: {
    label: 'SD 1.5 layout',
    unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4, 4], numResBlocks: 2, depth: [1, 1, 1, 0], midDepth: 1, contextDim: 768, linearProjection: false }),
    vae: SD_VAE,
    textEncoder: hfClipTensors('cond_stage_model.transformer.', CLIP_L),
  },
  // sd_xl_base_1.0: no attention at the first level, 2 and 10 transformer blocks below, label_emb (2816 = 6·256 + 1280), CLIP-L and OpenCLIP-bigG.
  sdxl: {
    label: 'SDXL layout',
    unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4], numResBlocks: 2, depth: [0, 2, 10], midDepth: 10, contextDim: 2048, linearProjection: true, admInChannels: 2816 }),
    vae: SD_VAE,
    textEncoder: hfClipTensors('conditioner.embedders.0.transformer.', CLIP_L),
    textEncoder2: openClipTensors('conditioner.embedders.1.model.', { vocab: 49408, positions: 77, width: 1280, layers: 32, intermediate: 5120 }, { keptLayers: 32, projection: 1280 }),
  },
};

interface CaseResult {
  peakRssBytes: number;
  seconds: number;
  componentBytes: Record<string, number>;
}

async function runChild(file: string, dtype: 'float16' | 'float32', target: string): Promise<void> {
  const started = performance.now();
  // A sparse file reads as zeros, which the v-prediction probe cannot measure: the prediction is fixed.
  const report = await importCheckpointFile(file, { out: target, dtype, prediction: 'epsilon' });
  const result: CaseResult = { peakRssBytes: peakRss(), seconds: (performance.now() - started) / 1000, componentBytes: report.componentBytes };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function child(file: string, dtype: string, target: string): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--child', file, '--dtype', dtype, '--target', target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').pop()!) as CaseResult;
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

async function main(): Promise<void> {
  if (args.child) {
    await runChild(args.child, args.dtype as 'float16' | 'float32', args.target!);
    return;
  }
  const family = args.family === 'sdxl' ? 'sdxl' : 'sd15';
  const layout = LAYOUTS[family];
  const dir = mkdtempSync(path.join(tmpdir(), 'checkpoint-import-bench-'));
  const machine = machineName();
  const lines = [
    `# Importing a full-size ${layout.label} single-file checkpoint (sparse file, zeros)`,
    '',
    `${machine}, host ${hostname()}, ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}; each case in its own process; peak RSS = Linux VmHWM of that process.`,
    '',
    '| checkpoint | stored as | graphs | file size | largest component (UNet weights) | all components | peak RSS | peak RSS / largest | time |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  try {
    const file = path.join(dir, `${family}-layout.safetensors`);
    const size = await writeSparseLdmCheckpoint(file, allTensors(layout), args.stored === 'F32' ? 'F32' : 'F16');
    for (const dtype of args.dtypes.split(',')) {
      const target = path.join(dir, `imported-${dtype}`);
      const result = child(file, dtype, target);
      rmSync(target, { recursive: true, force: true });
      const sizes = Object.values(result.componentBytes);
      const largest = Math.max(...sizes);
      const row = [layout.label, args.stored, dtype, gib(size), gib(largest), gib(sizes.reduce((a, b) => a + b, 0)), gib(result.peakRssBytes), (result.peakRssBytes / largest).toFixed(2), `${result.seconds.toFixed(0)} s`];
      const line = `| ${row.join(' | ')} |`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (args.out) writeTableFile(args.out, `${machine}-checkpoint-import-${family}.md`, lines);
}

await main();
