/**
 * Load and faults on the engine process: tiny-sd jobs queued 50 at once while 20 random cancels
 * (of waiting jobs) and interrupts (of the running one) land, through the real EngineClient and its
 * child process. Checks that every job ends in done, cancelled or an error with a message, that
 * every written PNG decodes whole and no staging file is left, and compares the engine process's
 * resident memory after the 50 jobs with after 5 (target: within 10 %).
 *
 *   node --import tsx bench/engine-load.ts [--jobs 50] [--cancels 20] [--steps 4] [--seed 1] [--out bench/results]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decode } from 'fast-png';
import { EngineClient, type TerminalEvent } from '../app/engine/engine-client.js';
import { writeTinyStableDiffusion } from '../app/models/tiny-sd.js';
import type { WidgetOverride } from '../app/protocol/index.js';
import { nodeOfType, tinySdWorkflow } from '../test/support/default-workflow.js';
import { seededUniform } from '../test/support/seeded-random.js';
import { cpuMachineName } from './gpu-probe.js';
import { writeTableFile } from './table-file.js';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '50' },
    cancels: { type: 'string', default: '20' },
    steps: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench/results' },
  },
});
process.env.SCALECRAFTER_CACHE_DIR ||= mkdtempSync(path.join(tmpdir(), 'bench-cache-'));

/** The engine process's resident memory now (Linux VmRSS), in MiB. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Number(line!.split(/\s+/)[1]) / 1024;
}

const workflow = tinySdWorkflow();
const samplerId = String(nodeOfType(workflow, 'Sampler').id);
/** A fresh seed per job, so each job really samples instead of coming from the cache. */
const seedOf = (index: number): WidgetOverride[] => [
  { nodeId: samplerId, field: 'seed', value: 1000 + index },
  { nodeId: samplerId, field: 'steps', value: Number(args.steps) },
];

async function main(): Promise<void> {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'bench-load-models-'));
  await writeTinyStableDiffusion(path.join(modelsDir, 'tiny-sd'));
  const outputDir = mkdtempSync(path.join(tmpdir(), 'bench-load-out-'));
  const engine = await EngineClient.start({ modelsDir });
  const reported = new Set<string>();
  engine.onEvent((event) => {
    if (event.type !== 'output') return;
    for (const image of (event.ui.images ?? []) as Array<{ filename: string }>) reported.add(image.filename);
  });
  let index = 0;
  const enqueue = async (): Promise<string> => {
    const result = await engine.request('enqueue', { workflow, options: { outputDir, executionProvider: 'cpu' }, overrides: seedOf(index++) });
    if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.issues)}`);
    return result.jobId;
  };
  try {
    // The first job loads the model; the next four time one job alone.
    await engine.waitForJob(await enqueue());
    const warmStart = performance.now();
    for (let warm = 1; warm < 5; warm++) await engine.waitForJob(await enqueue());
    const perJobMs = (performance.now() - warmStart) / 4;
    const afterFive = rssMiB(engine.pid!);

    const jobCount = Number(args.jobs);
    const burstStart = performance.now();
    const ids = await Promise.all(Array.from({ length: jobCount }, () => enqueue()));
    const ends = Promise.all(ids.map((id) => engine.waitForJob(id)));
    const faults = await injectCancels(engine, ids, Number(args.cancels), perJobMs * jobCount, seededUniform(Number(args.seed)));
    const outcomes = await ends;
    const burstSeconds = (performance.now() - burstStart) / 1000;
    const afterAll = rssMiB(engine.pid!);
    report({ outcomes, faults, perJobMs, burstSeconds, afterFive, afterAll, files: checkOutputFiles(outputDir, reported) });
  } finally {
    await engine.close();
  }
}

interface Faults {
  cancels: number;
  interrupts: number;
  answeredTrue: number;
}

/** `count` cancels at random moments over `spanMs`: half of waiting jobs picked at random, half of whichever job is running. */
async function injectCancels(engine: EngineClient, ids: readonly string[], count: number, spanMs: number, next: () => number): Promise<Faults> {
  const faults: Faults = { cancels: 0, interrupts: 0, answeredTrue: 0 };
  const moments = Array.from({ length: count }, () => next() * spanMs * 0.8).sort((a, b) => a - b);
  const start = performance.now();
  for (const [order, moment] of moments.entries()) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, moment - (performance.now() - start))));
    const interrupt = order % 2 === 1;
    const target = interrupt ? (await engine.request('queue', {})).running?.jobId : ids[Math.floor(next() * ids.length)];
    if (!target) continue;
    if (interrupt) faults.interrupts++;
    else faults.cancels++;
    if ((await engine.request('cancel', { jobId: target })).cancelled) faults.answeredTrue++;
  }
  return faults;
}

/**
 * Every PNG in the output folder decodes whole and is one an `output` event named (a job interrupted
 * after its SaveImage keeps its whole file); no staging file (.partial) is left.
 */
function checkOutputFiles(outputDir: string, reported: ReadonlySet<string>): { png: number; unreported: number; broken: string[]; partial: string[] } {
  const names = readdirSync(outputDir);
  const broken = names.filter((name) => name.endsWith('.png')).filter((name) => {
    try {
      const image = decode(readFileSync(path.join(outputDir, name)));
      return image.width === 0 || image.data.length === 0;
    } catch {
      return true;
    }
  });
  const pngs = names.filter((name) => name.endsWith('.png'));
  return { png: pngs.length, unreported: pngs.filter((name) => !reported.has(name)).length + [...reported].filter((name) => !pngs.includes(name)).length, broken, partial: names.filter((name) => name.endsWith('.partial')) };
}

function report(run: { outcomes: TerminalEvent[]; faults: Faults; perJobMs: number; burstSeconds: number; afterFive: number; afterAll: number; files: ReturnType<typeof checkOutputFiles> }): void {
  const count = (type: string) => run.outcomes.filter((end) => end.type === type).length;
  const unclear = run.outcomes.filter((end) => end.type === 'error' && !end.failure.message);
  const growth = (run.afterAll / run.afterFive - 1) * 100;
  const checks = [
    ['every job ended in done, cancelled or a clear error', run.outcomes.length === Number(args.jobs) && unclear.length === 0],
    ['a whole PNG for every done job, each one an output event named, none broken, no staging file left', run.files.png >= count('done') + 5 && run.files.unreported === 0 && run.files.broken.length === 0 && run.files.partial.length === 0],
    ['engine RSS after the burst within 10 % of after 5 jobs', Math.abs(growth) <= 10],
  ] as const;
  const lines = [
    `# Engine load and faults (${cpuMachineName()}, tiny-sd ${tinySdSide()} px, ${args.steps} steps, CPU)`,
    '',
    `node --import tsx bench/engine-load.ts --jobs ${args.jobs} --cancels ${args.cancels} --steps ${args.steps} --seed ${args.seed}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| jobs queued at once | ${args.jobs} |`,
    `| cancels of waiting jobs / interrupts of the running job (answered "cancelled": true) | ${run.faults.cancels} / ${run.faults.interrupts} (${run.faults.answeredTrue}) |`,
    `| done / cancelled / error | ${count('done')} / ${count('cancelled')} / ${count('error')} |`,
    `| PNGs written (5 warm-up + done + interrupted after SaveImage) / not matching output events / broken / staging files left | ${run.files.png} / ${run.files.unreported} / ${run.files.broken.length} / ${run.files.partial.length} |`,
    `| one job alone (mean of warm-up jobs 2–5) | ${(run.perJobMs / 1000).toFixed(2)} s |`,
    `| the burst, queued to last end | ${run.burstSeconds.toFixed(1)} s |`,
    `| engine process RSS after 5 jobs | ${run.afterFive.toFixed(1)} MiB |`,
    `| engine process RSS after ${Number(args.jobs) + 5} jobs | ${run.afterAll.toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %) |`,
    '',
    ...checks.map(([label, ok]) => `- ${ok ? 'PASS' : 'FAIL'}: ${label}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeTableFile(args.out!, `${cpuMachineName()}-engine-load.md`, lines);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

const tinySdSide = () => nodeOfType(workflow, 'EmptyLatentImage').widgets.width;

await main();
