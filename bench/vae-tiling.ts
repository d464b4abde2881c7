/**
 * Whole vs tiled VAE decode (app/diffusion/vae-tiling) of the tiny default model's VAE at several
 * image sizes: median wall time, the measured peak resident memory of a process that does only
 * that decode (Linux VmHWM: on the CPU EP this is where activations live), the estimated device
 * memory of one tile, and the largest difference between the two images. Each case runs in a
 * fresh child process so that one case's memory high-water mark does not hide another's.
 *
 *   node --import tsx bench/vae-tiling.ts [--sizes 256,512,1024,2048] [--tile 256] [--rounds 3] [--out FILE]
 *
 * --tile is in image pixels. A whole decode whose attention scores (query × key, float32, which
 * the CPU EP materialises) would not fit in half the free memory is skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { estimateTileMemory, formatBytes } from '../app/diffusion/vae-tiling/tile-memory.js';
import { TiledVaeDecoder } from '../app/diffusion/vae-tiling/tiled-vae-decoder.js';
import { tinyPipelineConfigs } from '../app/models/sd/presets.js';
import { buildVaeDecoder } from '../app/models/sd/vae.js';
import { buildVaeDecoderSegments } from '../app/models/sd/vae-segments.js';
import { parseVaeConfig } from '../app/models/sd/vae-config.js';
import { TINY_SD_SEED } from '../app/models/tiny-sd.js';
import { SeededWeights } from '../app/models/weights/seeded-weights.js';
import { serializeModel } from '../app/onnx/model-codec.js';
import { openSession } from '../app/runtime/session.js';

const FACTOR = 8;
const config = parseVaeConfig(tinyPipelineConfigs(1000).vae);
const weights = new SeededWeights(TINY_SD_SEED);

interface CaseResult {
  ms: number[];
  peakRssBytes: number;
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

/** Peak resident set size of this process so far (Linux). */
function peakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((entry) => entry.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) * 1024 : Number.NaN;
}

/** Child mode: one decode configuration, timed; the last image written to `dump`. */
async function runCase(kind: 'whole' | 'tiled', size: number, tile: number, rounds: number, dump: string): Promise<CaseResult> {
  const input = latents(size);
  const ms: number[] = [];
  let image: Float32Array = new Float32Array(0);
  let tiles = 1;
  if (kind === 'whole') {
    const session = await openSession(serializeModel(buildVaeDecoder(config, weights)), { executionProvider: 'cpu' });
    for (let round = -1; round < rounds; round++) {
      const start = performance.now();
      image = (await session.run({ latent_sample: { type: 'float32', data: input.data, dims: input.dims } })).sample!.data as Float32Array;
      if (round >= 0) ms.push(performance.now() - start);
    }
  } else {
    const decoder = await TiledVaeDecoder.open(buildVaeDecoderSegments(config, weights), 'cpu');
    for (let round = -1; round < rounds; round++) {
      const start = performance.now();
      const decoded = await decoder.decode(input.data, input.dims, { tileSize: tile / FACTOR });
      if (round >= 0) ms.push(performance.now() - start);
      [image, tiles] = [decoded.data, decoded.tiles];
    }
  }
  writeFileSync(dump, image);
  return { ms, peakRssBytes: peakRss(), tiles };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => (Number.isNaN(bytes) ? 'n/a' : `${Math.round(bytes / 2 ** 20)} MiB`);

function child(kind: 'whole' | 'tiled', size: number, tile: number, rounds: number, dump: string): CaseResult {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, '--case', kind, '--size', String(size), '--tile', String(tile), '--rounds', String(rounds), '--dump', dump], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
}

function maxDifference(a: string, b: string): number {
  const read = (file: string) => { const bytes = readFileSync(file); return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4); };
  const [x, y] = [read(a), read(b)];
  return x.reduce((worst, value, i) => Math.max(worst, Math.abs(value - y[i]!)), 0);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      sizes: { type: 'string', default: '256,512,1024,2048' },
      tile: { type: 'string', default: '256' },
      rounds: { type: 'string', default: '3' },
      out: { type: 'string' },
      case: { type: 'string' },
      size: { type: 'string' },
      dump: { type: 'string' },
    },
  });
  const tile = Number(args.tile);
  const rounds = Number(args.rounds);
  if (args.case) {
    const result = await runCase(args.case as 'whole' | 'tiled', Number(args.size), tile, rounds, args.dump!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const machine = `cpu-${cpus().length}core-${hostname()}`;
  const plan = buildVaeDecoderSegments(config, weights);
  const lines = [
    `# Tiled vs whole VAE decode — tiny VAE (default model, channels ${config.blockOutChannels.join('/')}), CPU EP`,
    '',
    `${machine}, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}; tiles of ${tile} px, median of ${rounds} rounds after 1 warm-up; each case in its own process.`,
    '',
    '| image | whole ms | tiled ms | tiled/whole | tiles | max abs diff | whole peak RSS | tiled peak RSS | est. device/tile | est. largest whole-image segment | attention K/V | host activations |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = mkdtempSync(path.join(tmpdir(), 'vae-tiling-bench-'));
  try {
    for (const size of args.sizes.split(',').map(Number)) {
      const latent = { height: size / FACTOR, width: size / FACTOR };
      const estimate = estimateTileMemory(plan, 1, latent, tile / FACTOR);
      const whole = estimateTileMemory(plan, 1, latent, size / FACTOR);
      const tiled = child('tiled', size, tile, rounds, path.join(dir, `tiled-${size}`));
      const fits = whole.attentionScoreBytes < freemem() / 2;
      const full = fits ? child('whole', size, tile, rounds, path.join(dir, `whole-${size}`)) : null;
      const row = [
        `${size}²`,
        full ? median(full.ms).toFixed(0) : `skipped (scores ${formatBytes(whole.attentionScoreBytes)})`,
        median(tiled.ms).toFixed(0),
        full ? (median(tiled.ms) / median(full.ms)).toFixed(2) : '–',
        String(tiled.tiles),
        full ? maxDifference(path.join(dir, `tiled-${size}`), path.join(dir, `whole-${size}`)).toExponential(1) : '–',
        full ? mib(full.peakRssBytes) : '–',
        mib(tiled.peakRssBytes),
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
  if (args.out) writeFileSync(args.out, `${lines.join('\n')}\n`, 'utf8');
}

await main();
