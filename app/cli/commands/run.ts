import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EngineClient, type TerminalEvent } from '../../engine/engine-client.js';
import { filesIn } from '../../engine/output-listing.js';
import { EXECUTION_PROVIDER_PREFERENCES, formatIssue, type EngineEvent, type ExecutionProviderPreference, type UiPayload, type WidgetOverride } from '../../protocol/index.js';
import { overridesPerCopy } from '../batch-copies.js';
import { createRunDisplay } from '../run-progress.js';
import { collectOverride, printIssues, readWorkflowFile } from '../workflow-file.js';

interface RunOptions {
  out: string;
  device: ExecutionProviderPreference;
  models?: string;
  comfyui?: string;
  set: WidgetOverride[];
  json?: boolean;
  batchCount: number;
}

/** As the editor's batch count. */
const MAX_BATCH_COUNT = 100;

function parseBatchCount(text: string): number {
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > MAX_BATCH_COUNT) throw new InvalidArgumentError(`"${text}" is not a whole number from 1 to ${MAX_BATCH_COUNT}`);
  return count;
}

/** Exit codes: 0 done, 1 a node failed, 2 the workflow is invalid, 130 cancelled (Ctrl+C). */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a workflow (ours or ComfyUI\'s) and list the files it wrote')
    .argument('<workflow>', 'workflow JSON file')
    .option('-o, --out <dir>', 'output folder', 'out')
    .option('--set <NODE_ID.FIELD=VALUE>', 'override a widget value, e.g. --set 3.steps=30 (repeatable)', collectOverride, [] as WidgetOverride[])
    .option('--json', 'print a JSON summary instead of progress')
    .option('--batch-count <n>', "queue the workflow N times (ComfyUI's batch count): seeds and other controlled values move on between the runs", parseBatchCount, 1)
    .addOption(new Option('--device <provider>', 'execution provider; falls back to the next available one').choices(EXECUTION_PROVIDER_PREFERENCES).default('auto'))
    .option('--models <dir>', 'models folder (default: $SCALECRAFTER_MODELS_DIR or ./models)')
    .option('--comfyui <path>', 'a ComfyUI install (or its extra_model_paths.yaml) whose checkpoints and VAEs to use (default: $SCALECRAFTER_COMFYUI_DIR)')
    .action(async (file: string, options: RunOptions) => {
      process.exitCode = await runWorkflow(file, options);
    });
}

async function runWorkflow(file: string, options: RunOptions): Promise<number> {
  const read = await readWorkflowFile(file);
  if (!read.ok) return reportInvalid(file, read.issues, options);
  const outputDir = path.resolve(options.out);
  const engine = await EngineClient.start({
    ...(options.models ? { modelsDir: path.resolve(options.models) } : {}),
    ...(options.comfyui ? { comfyui: path.resolve(options.comfyui) } : {}),
  });
  try {
    const events: EngineEvent[] = [];
    const display = createRunDisplay(options.json ? 'silent' : process.stderr.isTTY ? 'bar' : 'lines');
    engine.onEvent((event) => {
      events.push(event);
      display.handle(event);
    });
    const jobIds: string[] = [];
    for (const overrides of await overridesPerCopy(engine, read.json, options.set, options.batchCount)) {
      const queued = await engine.request('enqueue', {
        workflow: read.json,
        options: { outputDir, label: path.basename(file), executionProvider: options.device },
        overrides,
      });
      if (!queued.ok) return reportInvalid(file, queued.issues, options);
      jobIds.push(queued.jobId);
    }

    const cancel = () => jobIds.forEach((jobId) => void engine.request('cancel', { jobId }));
    process.once('SIGINT', cancel);
    const ends: TerminalEvent[] = [];
    for (const jobId of jobIds) ends.push(await engine.waitForJob(jobId));
    process.off('SIGINT', cancel);
    display.stop();
    return report(ends, events, outputDir, options);
  } finally {
    await engine.close();
  }
}

type RunStatus = 'success' | 'error' | 'cancelled';

const EXIT_CODES: Record<RunStatus, number> = { success: 0, error: 1, cancelled: 130 };

/** One run's outcome; `events` are all the session's, this job's picked out. */
function summarise(end: TerminalEvent, events: readonly EngineEvent[], outputDir: string) {
  const mine = events.filter((event) => event.jobId === end.jobId);
  const outputs = mine.filter((event): event is Extract<EngineEvent, { type: 'output' }> => event.type === 'output');
  return {
    status: (end.type === 'done' ? 'success' : end.type) as RunStatus,
    jobId: end.jobId,
    files: outputs.flatMap((event) => filesIn(event.ui).map((relative) => path.join(outputDir, relative))),
    executed: mine.filter((event) => event.type === 'executing').map((event) => event.nodeId),
    cached: mine.find((event) => event.type === 'cached')?.nodes ?? [],
    outputs: Object.fromEntries(outputs.map((event) => [event.nodeId, event.ui])),
    ...(end.type === 'done' ? { durationMs: end.durationMs, peakMemoryMiB: end.peakMemoryMiB } : {}),
    ...(end.type === 'error' ? { failure: end.failure } : {}),
  };
}

/** A single run prints its summary as always; a batch prints `{status, files, runs}`. The exit code is the worst run's. */
function report(ends: readonly TerminalEvent[], events: readonly EngineEvent[], outputDir: string, options: RunOptions): number {
  const runs = ends.map((end) => summarise(end, events, outputDir));
  const status = runs.find((run) => run.status === 'cancelled')?.status ?? runs.find((run) => run.status === 'error')?.status ?? 'success';
  if (options.json) {
    const summary = runs.length === 1 ? runs[0] : { status, files: runs.flatMap((run) => run.files), runs };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    ends.forEach((end, index) => printRun(end, runs[index]!));
  }
  return EXIT_CODES[status];
}

function printRun(end: TerminalEvent, run: ReturnType<typeof summarise>): void {
  if (end.type === 'done') {
    for (const [nodeId, ui] of Object.entries(run.outputs)) for (const text of textsIn(ui)) process.stdout.write(`${nodeId}: ${text}\n`);
    process.stdout.write(run.files.length > 0 ? `wrote:\n${run.files.map((f) => `  ${f}`).join('\n')}\n` : 'done (no files written)\n');
    process.stderr.write(`finished in ${(end.durationMs / 1000).toFixed(2)} s\n`);
  } else if (end.type === 'error') {
    const { failure } = end;
    process.stderr.write(`failed: ${formatIssue({ code: 'execution_failed', ...failure })}\n`);
    if (failure.cause) process.stderr.write(`${failure.cause}\n`);
  } else {
    process.stderr.write('cancelled\n');
  }
}

function reportInvalid(file: string, issues: Parameters<typeof printIssues>[0], options: RunOptions): number {
  if (options.json) process.stdout.write(`${JSON.stringify({ status: 'invalid', issues }, null, 2)}\n`);
  else {
    process.stderr.write(`${file} cannot run:\n`);
    printIssues(issues);
  }
  return 2;
}

function textsIn(ui: UiPayload): string[] {
  return Array.isArray(ui.text) ? ui.text.filter((text): text is string => typeof text === 'string') : [];
}
