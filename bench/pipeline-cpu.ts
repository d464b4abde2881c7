/**
 * The default workflow end to end in the engine (the same EngineService the worker runs), and what
 * interactive use feels like: time to the first step preview, and the time to re-run after a
 * dilation-schedule edit, when the text encodings come from the cache.
 *
 *   node --import tsx bench/pipeline-cpu.ts [--device cpu|auto] [--out bench/results]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { cpuMachineName } from './gpu-probe.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EngineService } from '../app/engine/engine-service.js';
import type { EngineEvent, ExecutionProviderPreference, Workflow } from '../app/protocol/index.js';
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

const widgetsOf = (workflow: Workflow, type: string) => workflow.nodes.find((node) => node.type === type)!.widgets;

async function main(): Promise<void> {
  // An empty models folder with the project's models/ as the bundle: the first run copies the
  // default model and builds its ONNX graphs, as an installed app's first run does.
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'bench-models-'));
  const registry = createNodeRegistry({ modelsDir, bundledModelsDir: fileURLToPath(new URL('../models', import.meta.url)) });
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
  const model = String(widgetsOf(defaults, 'LoadCheckpoint').model);
  const size = (workflow: Workflow) => `${String(widgetsOf(workflow, 'EmptyLatentImage').width)}×${String(widgetsOf(workflow, 'EmptyLatentImage').height)}`;
  rows.push([`default workflow (${size(defaults)}), first run (${model} copied from the bundle and built, sessions opened)`, await run(defaults)]);
  const sampler = widgetsOf(defaults, 'Sampler');
  sampler.seed = Number(sampler.seed) + 1;
  rows.push(['default workflow, new seed (sessions warm)', await run(defaults)]);
  const scaled = readWorkflow('scalecrafter-4x.json');
  rows.push([`4× ScaleCrafter workflow (${size(scaled)}), first run (UNet prepared)`, await run(scaled)]);
  const redilate = widgetsOf(scaled, 'ReDilate');
  const [factor, end] = [Number(redilate.factor), Number(redilate.end)];
  redilate.factor = factor + 0.5;
  rows.push([`4× workflow after a dilation edit (factor ${factor} → ${factor + 0.5})`, await run(scaled)]);
  redilate.end = end - 0.2;
  rows.push([`4× workflow after a tau edit (${end} → ${(end - 0.2).toFixed(1)})`, await run(scaled)]);

  const header = '| what | total ms | first preview ms | nodes that ran |\n|---|---|---|---|';
  const table = rows.map(([what, timing]) => `| ${what} | ${timing.totalMs.toFixed(0)} | ${timing.firstPreviewMs?.toFixed(0) ?? '–'} | ${timing.executed.join(', ')} |`).join('\n');
  const machine = cpuMachineName();
  const settings = `${String(sampler.steps)} steps, ${String(sampler.sampler)}, CFG ${String(sampler.cfg)}`;
  const markdown = `# Pipeline on ${machine}, execution provider ${args.device}\n\n${new Date().toISOString()} · ${model} · ${settings}\n\n${header}\n${table}\n`;
  console.log(markdown);
  await mkdir(args.out!, { recursive: true });
  const stem = path.join(args.out!, `${machine}-pipeline-${args.device}`);
  await writeFile(`${stem}.md`, markdown);
  await writeFile(`${stem}.json`, JSON.stringify({ machine, device: args.device, model, settings, rows: rows.map(([what, timing]) => ({ what, ...timing })) }, null, 2));
  console.log(`wrote ${stem}.md and .json`);
}

await main();
