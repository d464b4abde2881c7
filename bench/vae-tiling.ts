/**
 * Whole vs tiled VAE decode (app/diffusion/vae-tiling) at several image sizes, of the tiny default
 * model's VAE or the SD VAE (seeded weights; float16 on WebGPU, as the app runs SD there): median
 * wall time, the measured peak resident memory of a process that does only that decode (Linux
 * VmHWM: on the CPU EP this is where activations live), on an NVIDIA GPU the device's peak memory
 * in use (nvidia-smi), the estimated device memory of one tile, and the largest difference between
 * the two images. Each case runs in a fresh child process so that one case's memory high-water
 * mark does not hide another's.
 *
 *   node --import tsx bench/vae-tiling.ts [--model tiny|sd15] [--device cpu|webgpu] [--sizes 256,512,1024,2048]
 *        [--tile 256] [--rounds 3] [--warmup 1] [--budget-gib 24] [--out DIR]
 *
 * --tile is in image pixels. A whole decode that would not fit is skipped and says why: on the CPU
 * when its attention scores (query × key, float32, which the CPU EP materialises) exceed half the
 * free memory; on WebGPU when its largest segment's activations exceed --budget-gib (the issue's
 * 24 GB card).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { estimateTileMemory, formatBytes } from '../app/diffusion/vae-tiling/tile-memory.js';
import { TiledVaeDecoder } from '../app/diffusion/vae-tiling/tiled-vae-decoder.js';
import { buildVaeDecoder } from '../app/models/sd/vae.js';
import { buildVaeDecoderSegments } from '../app/models/sd/vae-segments.js';
import { parseVaeConfig } from '../app/models/sd/vae-config.js';
import { TINY_SD_SEED } from '../app/models/tiny-sd.js';
import { SeededWeights } from '../app/models/weights/seeded-weights.js';
import { serializeModel } from '../app/onnx/model-codec.js';
import { SD15_CONFIGS, tinyPipelineConfigs } from '../app/models/sd/presets.js';
import { fromFloat16, toFloat16 } from '../app/runtime/float16.js';
import { openSession } from '../app/runtime/session.js';
import { GpuMemoryProbe, machineName } from './gpu-probe.js';
import { peakRss, writeTableFile } from './table-file.js';

const FACTOR = 8;

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'tiny' },
    device: { type: 'string', default: 'cpu' },
    sizes: { type: 'string', default: '256,512,1024,2048' },
    tile: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    /** untimed decodes first; 0 times the first decode, shader compilation included (for sizes that take minutes) */
    warmup: { type: 'string', default: '1' },
    'budget-gib': { type: 'string', default: '24' },
    out: { type: 'string' },
    case: { type: 'string' },
    size: { type: 'string' },
    dump: { type: 'string' },
  },
});
const sd = args.model === 'sd15';
const device = args.device === 'webgpu' ? 'webgpu' : 'cpu';
const config = parseVaeConfig(sd ? SD15_CONFIGS.vae : tinyPipelineConfigs(1000).vae);
const weights = new SeededWeights(TINY_SD_SEED);
const dtype = sd && device === 'webgpu' ? 'float16' : 'float32';

interface CaseResult {
  ms: number[];
  peakRssBytes: number;
  /** whole-device memory in use at the case's peak (MiB); null without an NVIDIA GPU */
  peakGpuMiB: number | null;
  tiles: number;
}

function latents(size: number): { data: Float32Array; dims: [number, number, number, number] } {
  const side = size / FACTOR;
  let state = 12345;
  const data = Float32Array.from({ length: 4 * side * side }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 4;
  });
  return { data, dims: [1, 4, side, side] };
}

/** Child mode: one decode configuration, timed; the last image written to `dump`. */
async function runCase(kind: 'whole' | 'tiled', size: number, tile: number, rounds: number, warmup: number, dump: string): Promise<CaseResult> {
  const input = latents(size);
  const probe = new GpuMemoryProbe();
  const ms: number[] = [];
  let image: Float32Array = new Float32Array(0);
  let tiles = 1;
  if (kind === 'whole') {
    const session = await openSession(serializeModel(buildVaeDecoder(config, weights, { dtype })), { executionProvider: device });
    const feed = dtype === 'float16'
      ? { type: 'float16' as const, data: toFloat16(input.data), dims: input.dims }
      : { type: 'float32' as const, data: input.data, dims: input.dims };
    for (let round = -warmup; round < rounds; round++) {
      const start = performance.now();
      const sample = (await session.run({ latent_sample: feed })).sample!;
      if (round >= 0) ms.push(performance.now() - start);
      image = sample.type === 'float16' ? fromFloat16(sample.data as Uint16Array) : (sample.data as Float32Array);
    }
    await session.release();
  } else {
    const decoder = await TiledVaeDecoder.open(buildVaeDecoderSegments(config, weights, { dtype }), device);
    for (let round = -warmup; round < rounds; round++) {
      const start = performance.now();
      const decoded = await decoder.decode(input.data, input.dims, { tileSize: tile / FACTOR });
      if (round >= 0) ms.push(performance.now() - start);
      [image, tiles] = [decoded.data, decoded.tiles];
    }
    await decoder.release();
  }
  writeFileSync(dump, image);
  const peakGpuMiB = await probe.settledPeakMiB();
  probe.stop();
  return { ms, peakRssBytes: peakRss(), peakGpuMiB, tiles };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => (Number.isNaN(bytes) ? 'n/a' : `${Math.round(bytes / 2 ** 20)} MiB`);

function child(kind: 'whole' | 'tiled', size: number, tile: number, rounds: number, warmup: number, dump: string): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const caseArgs = ['--case', kind, '--size', String(size), '--tile', String(tile), '--rounds', String(rounds), '--warmup', String(warmup), '--dump', dump, '--model', args.model!, '--device', device];
  // The bundled bench (bench/gpu.sh) runs as plain JavaScript; from source, through tsx.
  const runner = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const output = execFileSync(process.execPath, [...runner, ...caseArgs], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
}

function maxDifference(a: string, b: string): number {
  const read = (file: string) => { const bytes = readFileSync(file); return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4); };
  const [x, y] = [read(a), read(b)];
  return x.reduce((worst, value, i) => Math.max(worst, Math.abs(value - y[i]!)), 0);
}

async function main(): Promise<void> {
  const tile = Number(args.tile);
  const rounds = Number(args.rounds);
  const warmup = Number(args.warmup);
  if (args.case) {
    const result = await runCase(args.case as 'whole' | 'tiled', Number(args.size), tile, rounds, warmup, args.dump!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const machine = machineName();
  const plan = buildVaeDecoderSegments(config, weights, { dtype });
  const budgetBytes = Number(args['budget-gib']) * 2 ** 30;
  const vae = sd ? 'SD VAE (seeded weights)' : 'tiny VAE (default model)';
  const lines = [
    `# Tiled vs whole VAE decode — ${vae}, channels ${config.blockOutChannels.join('/')}, ${dtype}, ${device === 'webgpu' ? 'WebGPU' : 'CPU'} EP`,
    '',
    `${machine}, host ${hostname()}, ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}; tiles of ${tile} px, median of ${rounds} rounds after ${warmup} warm-up; each case in its own process. GPU memory: nvidia-smi memory.used of the whole device at the case's peak.`,
    '',
    '| image | whole ms | tiled ms | tiled/whole | tiles | max abs diff | whole peak RSS | tiled peak RSS | whole peak GPU | tiled peak GPU | est. device/tile | est. largest whole-image segment | attention K/V | host activations |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = mkdtempSync(path.join(tmpdir(), 'vae-tiling-bench-'));
  try {
    for (const size of args.sizes.split(',').map(Number)) {
      const latent = { height: size / FACTOR, width: size / FACTOR };
      const estimate = estimateTileMemory(plan, 1, latent, tile / FACTOR);
      const whole = estimateTileMemory(plan, 1, latent, size / FACTOR);
      const tiled = child('tiled', size, tile, rounds, warmup, path.join(dir, `tiled-${size}`));
      // WebGPU's flash attention materialises no scores; the whole image's activations are what must fit.
      const [fits, need] = device === 'webgpu'
        ? [whole.tileBytes + whole.tokenBytes < budgetBytes, `activations ${formatBytes(whole.tileBytes + whole.tokenBytes)} > ${args['budget-gib']} GiB`]
        : [whole.attentionScoreBytes < freemem() / 2, `scores ${formatBytes(whole.attentionScoreBytes)}`];
      const full = fits ? child('whole', size, tile, rounds, warmup, path.join(dir, `whole-${size}`)) : null;
      const gpu = (result: CaseResult | null) => (result?.peakGpuMiB == null ? '–' : `${result.peakGpuMiB} MiB`);
      const row = [
        `${size}²`,
        full ? median(full.ms).toFixed(0) : `skipped (${need})`,
        median(tiled.ms).toFixed(0),
        full ? (median(tiled.ms) / median(full.ms)).toFixed(2) : '–',
        String(tiled.tiles),
        full ? maxDifference(path.join(dir, `tiled-${size}`), path.join(dir, `whole-${size}`)).toExponential(1) : '–',
        full ? mib(full.peakRssBytes) : '–',
        mib(tiled.peakRssBytes),
        gpu(full),
        gpu(tiled),
        formatBytes(estimate.tileBytes),
        formatBytes(whole.tileBytes),
        formatBytes(estimate.tokenBytes),
        formatBytes(estimate.hostBytes),
      ];
      const line = `| ${row.join(' | ')} |`;
      lines.push(line);
      process.stdout.write(`${line}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (args.out) writeTableFile(args.out, `${machine}-${device}-vae-tiling-${args.model}-${args.sizes}.md`.replaceAll(',', '-'), lines);
}

await main();
