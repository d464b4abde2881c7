/**
 * The default workflow end to end in the engine (the same EngineService the worker runs), and what
 * interactive use feels like: time to the first step preview, and the time to re-run after a
 * dilation-schedule edit, when the text encodings come from the cache.
 *
 *   node --import tsx bench/pipeline-cpu.ts [--device cpu|auto] [--out bench/results]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineService } from '../app/engine/engine-service.js';
import type { EngineEvent, ExecutionProviderPreference, Workflow } from '../app/protocol/index.js';
import { writeTinyStableDiffusion } from '../app/models/tiny-sd.js';
import { createNodeRegistry } from '../nodes/index.js';

const { values: args } = parseArgs({ options: { device: { type: 'string', default: 'cpu' }, out: { type: 'string', default: 'bench/results' } } });
process.env.XDG_RUNTIME_DIR ||= '/tmp';
process.env.SCALECRAFTER_CACHE_DIR ||= mkdtempSync(path.join(tmpdir(), 'bench-cache-'));

const readWorkflow = (name: string) => JSON.parse(readFileSync(new URL(`../workflows/${name}`, import.meta.url), 'utf8')) as Workflow;

interface Timing {
  totalMs: number;
  firstPreviewMs: number | null;
  executed: string[];
}

async function main(): Promise<void> {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'bench-models-'));
  const buildStart = performance.now();
  await writeTinyStableDiffusion(path.join(modelsDir, 'tiny-sd'));
  const buildMs = performance.now() - buildStart;
  const registry = createNodeRegistry({ modelsDir });
  const events: EngineEvent[] = [];
  const service = new EngineService(registry, (event) => events.push(event));
  const outputDir = mkdtempSync(path.join(tmpdir(), 'bench-out-'));

  const run = async (workflow: Workflow): Promise<Timing> => {
    const start = performance.now();
    let firstPreviewMs: number | null = null;
    const seen = events.length;
    const result = service.handle('enqueue', { workflow, options: { outputDir, executionProvider: args.device as ExecutionProviderPreference } }) as { ok: boolean; jobId: string };
    if (!result.ok) throw new Error(`workflow rejected: ${JSON.stringify(result)}`);
    const poll = setInterval(() => {
      if (firstPreviewMs === null && events.slice(seen).some((event) => event.type === 'progress' && event.preview)) firstPreviewMs = performance.now() - start;
    }, 1);
    await service.whenIdle();
    clearInterval(poll);
    const mine = events.slice(seen).filter((event) => event.jobId === result.jobId);
    const end = mine.at(-1)!;
    if (end.type !== 'done') throw new Error(`job ended with ${JSON.stringify(end)}`);
    const types = new Map(workflow.nodes.map((node) => [String(node.id), node.type]));
    return { totalMs: performance.now() - start, firstPreviewMs, executed: mine.filter((event) => event.type === 'executing').map((event) => types.get((event as { nodeId: string }).nodeId) ?? '?') };
  };

  const rows: Array<[string, Timing]> = [];
  const defaults = readWorkflow('default.json');
  rows.push(['default workflow, first run (sessions opened)', await run(defaults)]);
  const sampler = defaults.nodes.find((node) => node.type === 'Sampler')!;
  sampler.widgets.seed = Number(sampler.widgets.seed) + 1;
  rows.push(['default workflow, new seed (sessions warm)', await run(defaults)]);
  const scaled = readWorkflow('scalecrafter-4x.json');
  rows.push(['4× ScaleCrafter workflow (512²), first run (UNet prepared)', await run(scaled)]);
  const redilate = scaled.nodes.find((node) => node.type === 'ReDilate')!;
  redilate.widgets.factor = 2.5;
  rows.push(['4× workflow after a dilation edit (factor 2 → 2.5)', await run(scaled)]);
  redilate.widgets.end = 0.4;
  rows.push(['4× workflow after a tau edit (0.6 → 0.4)', await run(scaled)]);

  const header = '| what | total ms | first preview ms | nodes that ran |\n|---|---|---|---|';
  const table = rows.map(([what, timing]) => `| ${what} | ${timing.totalMs.toFixed(0)} | ${timing.firstPreviewMs?.toFixed(0) ?? '–'} | ${timing.executed.join(', ')} |`).join('\n');
  const machine = `cpu-${cpus().length}core-${(cpus()[0]?.model ?? 'cpu').split(' ').slice(0, 2).join('-')}`;
  const markdown = `# Pipeline on ${machine}, execution provider ${args.device}\n\n${new Date().toISOString()} · tiny default model built in ${buildMs.toFixed(0)} ms · 20 steps, Euler, CFG 7.5\n\n${header}\n${table}\n`;
  console.log(markdown);
  await mkdir(args.out!, { recursive: true });
  const stem = path.join(args.out!, `${machine}-pipeline-${args.device}`);
  await writeFile(`${stem}.md`, markdown);
  await writeFile(`${stem}.json`, JSON.stringify({ machine, device: args.device, buildMs, rows: rows.map(([what, timing]) => ({ what, ...timing })) }, null, 2));
  console.log(`wrote ${stem}.md and .json`);
}

await main();
