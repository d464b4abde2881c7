/**
 * The fp32 SD 1.5 UNet (seeded) on the CPU EP: peak memory of a re-dilated run against a run with
 * the controls off (issue 19 item 5), and how long a session takes to open with and without the
 * optimised-model cache (item 6; app/runtime/optimized-model-cache.ts). Every measurement runs in
 * a fresh process, one after another, so RSS is that session's alone.
 *
 *   node --import tsx bench/unet-memory-startup.ts [--work DIR] [--latent 16] [--out bench/results] [--keep]
 *        [--baseline PREPARED_MODEL.onnx]
 *
 * --work holds the 3.4 GB UNet, its prepared copy and the cache (deleted at the end unless --keep).
 * Memory: RSS of a process that opens the app's prepared UNet and runs it at batch 2, latent
 * --latent², with every control off, or once off and then every candidate conv at pf 2; --baseline
 * measures another prepared UNet (one made by an earlier version) the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { preparedUnetFor } from '../app/scalecrafter/prepared-unet-cache.js';
import { buildPresetUNet } from '../app/models/sd/pipeline-builder.js';
import { readModel } from '../app/onnx/model-io.js';
import type { HostTensor } from '../app/runtime/host-tensor.js';
import { openSession } from '../app/runtime/session.js';
import { attentionScaleOffFeeds, readAttentionScaleLayout } from '../app/scalecrafter/prepare/attention-scale-controls.js';
import { controlFeeds, offControlFeeds } from '../app/scalecrafter/prepare/controls.js';
import { freeUFeeds } from '../app/scalecrafter/prepare/freeu-controls.js';
import { readPreparedUnetLayout } from '../app/scalecrafter/prepare/prepared-unet-format.js';
import { DEFAULT_DISPERSION_PARAMS } from '../app/scalecrafter/dispersion-transform.js';
import { cpuMachineName } from './gpu-probe.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

const { values: args } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/unet-memory-startup' },
    latent: { type: 'string', default: '16' },
    out: { type: 'string', default: 'bench/results' },
    keep: { type: 'boolean', default: false },
    /** a prepared model.onnx made by an earlier version, measured alongside (before/after in one run) */
    baseline: { type: 'string' },
    /** internal: run one measurement (JSON) in this process and print its result */
    child: { type: 'string' },
  },
});

interface ChildSpec {
  model: string;
  cacheDir?: string;
  /** absent: open only */
  run?: 'off' | 'redilated';
  latent: number;
}

interface MemoryStatus {
  /** VmHWM: peak RSS since start, or since the last resetPeak() */
  peakMiB: number;
  rssMiB: number;
  /** RssFile: pages of mapped files (ORT maps external-data weights), counted in RSS once touched */
  fileBackedMiB: number;
}

interface ChildResult {
  openS: number;
  callS: number[];
  /** right after the session opened (peak: of the open) */
  afterOpen: MemoryStatus;
  /** after the calls, before release (peak: of the calls alone) */
  afterCalls: MemoryStatus;
}

function memoryStatus(): MemoryStatus {
  const fields = new Map(readFileSync('/proc/self/status', 'utf8').split('\n').map((line): [string, string] => [line.split(':')[0]!, line.split(':')[1] ?? '0']));
  const mib = (key: string) => Math.round(parseInt(fields.get(key) ?? '0', 10) / 1024);
  return { peakMiB: mib('VmHWM'), rssMiB: mib('VmRSS'), fileBackedMiB: mib('RssFile') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the calls' peak is told apart from the open's. */
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');

function seeded(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2;
  });
}

/** The calls of a run: three with every control off, or one off and two with every candidate conv at pf 2. */
async function runPlan(modelPath: string, run: 'off' | 'redilated', latent: number): Promise<Array<Record<string, HostTensor>>> {
  const model = await readModel(modelPath);
  const layout = readPreparedUnetLayout(model);
  const attentionScale = readAttentionScaleLayout(model);
  const feeds: Record<string, HostTensor> = {
    sample: { type: 'float32', data: seeded(2 * 4 * latent ** 2, 1), dims: [2, 4, latent, latent] },
    timestep: { type: 'float32', data: Float32Array.of(981), dims: [1] },
    encoder_hidden_states: { type: 'float32', data: seeded(2 * 77 * 768, 2), dims: [2, 77, 768] },
    ...freeUFeeds(null),
    ...(attentionScale ? attentionScaleOffFeeds(attentionScale) : {}),
  };
  const off = { ...feeds, ...offControlFeeds(layout) };
  const redilated = { ...feeds, ...controlFeeds(layout, new Map(layout.convs.map((conv) => [conv, { dilation: 2, dispersed: false }]))) };
  return run === 'off' ? [off, off, off] : [off, redilated, redilated];
}

async function child(spec: ChildSpec): Promise<ChildResult> {
  const calls = spec.run === undefined ? [] : await runPlan(spec.model, spec.run, spec.latent);
  const start = performance.now();
  const session = await openSession(spec.model, { executionProvider: 'cpu', ...(spec.cacheDir === undefined ? {} : { optimizedModelCacheDir: spec.cacheDir }) });
  const openS = (performance.now() - start) / 1000;
  const afterOpen = memoryStatus();
  resetPeak();
  const callS: number[] = [];
  for (const feeds of calls) {
    const callStart = performance.now();
    await session.run(feeds);
    callS.push((performance.now() - callStart) / 1000);
  }
  const afterCalls = memoryStatus();
  await session.release();
  return { openS, callS, afterOpen, afterCalls };
}

function inChild(spec: ChildSpec): ChildResult {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/unet-memory-startup.ts', '--child', JSON.stringify(spec)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output.trim().split('\n').at(-1)!) as ChildResult;
}

if (args.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await child(JSON.parse(args.child) as ChildSpec))}\n`);
  process.exit(0);
}

const work = path.resolve(args.work!);
const latent = Number(args.latent);
const unet = path.join(work, 'source', 'unet', 'model.onnx');
const optimizedCache = path.join(work, 'optimized-models');
await mkdir(work, { recursive: true });
if (!existsSync(unet)) await buildPresetUNet('sd15-random', { out: path.join(work, 'source'), dtype: 'float32', resolution: 512 });
const prepared = await preparedUnetFor(unet, DEFAULT_DISPERSION_PARAMS, work);
const log = (text: string) => process.stdout.write(`${text}\n`);

const models: Array<[string, string]> = [['this version', prepared.modelPath], ...(args.baseline === undefined ? [] : [['--baseline', path.resolve(args.baseline)] as [string, string]])];
const memory = models.map(([label, model]) => {
  log(`${label}: prepared UNet, controls off, then re-dilated (opened without the cache, as the first run of a model is) ...`);
  return { label, off: inChild({ model, run: 'off', latent }), redilated: inChild({ model, run: 'redilated', latent }) };
});
log('opening the UNet: no cache / first open (writes the cache) / cached ...');
const opens = {
  uncached: inChild({ model: unet, latent }),
  writing: inChild({ model: unet, cacheDir: optimizedCache, latent }),
  cached: inChild({ model: unet, cacheDir: optimizedCache, latent }),
};

const machine = cpuMachineName();
const seconds = (value: number) => value.toFixed(1);
const processPeak = (result: ChildResult) => Math.max(result.afterOpen.peakMiB, result.afterCalls.peakMiB);
const memoryRow = (label: string, run: string, result: ChildResult) =>
  `| ${label} | ${run} | ${seconds(result.openS)} | ${result.callS.map(seconds).join(' / ')} | ${result.afterOpen.rssMiB} | ${result.afterCalls.peakMiB} | ${processPeak(result)} | ${result.afterCalls.fileBackedMiB} |`;
const ratioLine = ({ label, off, redilated }: (typeof memory)[number]) =>
  `- ${label}: re-dilated / off, peak of the calls **${(redilated.afterCalls.peakMiB / off.afterCalls.peakMiB).toFixed(3)}**, process peak ${(processPeak(redilated) / processPeak(off)).toFixed(3)} (target ≤ 1.1)`;
const lines = [
  `# fp32 SD 1.5 UNet (seeded) on the CPU EP: memory of re-dilated runs, session start-up — ${machine}`,
  '',
  `${new Date().toISOString()} · node ${process.version} · ORT default threads · the 2 cores were SHARED with other agents' jobs: times are noisy, compare within the run · each row a fresh process.`,
  '',
  `## RSS of the app's prepared UNet (every control), batch 2, latent ${latent}²`,
  '',
  '"off": three calls with every control off; "re-dilated": one call off, then two with all ' +
    `${prepared.convs.length} candidate convs at pf 2. Peak of the calls: VmHWM reset after the open. File-backed: ` +
    'RssFile after the calls (ORT maps the external-data weights; pages count once read).',
  '',
  '| model | run | open s | call s | RSS after open MiB | peak of the calls MiB | process peak MiB | file-backed MiB |',
  '|---|---|---|---|---|---|---|---|',
  ...memory.flatMap(({ label, off, redilated }) => [memoryRow(label, 'off', off), memoryRow(label, 're-dilated', redilated)]),
  '',
  ...memory.map(ratioLine),
  '',
  '## Opening the plain UNet (session create)',
  '',
  '| how | open s | peak RSS of the open MiB |',
  '|---|---|---|',
  `| model.onnx, no cache (before) | ${seconds(opens.uncached.openS)} | ${opens.uncached.afterOpen.peakMiB} |`,
  `| first open with the cache (optimises, writes the entry) | ${seconds(opens.writing.openS)} | ${opens.writing.afterOpen.peakMiB} |`,
  `| cached optimised graph (every later open) | ${seconds(opens.cached.openS)} | ${opens.cached.afterOpen.peakMiB} |`,
  '',
];
const markdown = lines.join('\n');
log(`\n${markdown}`);
await mkdir(args.out!, { recursive: true });
const stem = path.join(args.out!, `${machine}-unet-memory-startup`);
await writeFile(`${stem}.md`, markdown);
await writeFile(`${stem}.json`, JSON.stringify({ machine, latent, memory, opens, convs: prepared.convs.length }, null, 2));
if (!args.keep) await rm(work, { recursive: true, force: true });
