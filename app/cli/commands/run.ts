import path from 'node:path';
import { Option, type Command } from 'commander';
import { EngineClient, type TerminalEvent } from '../../engine/engine-client.js';
import { filesIn } from '../../engine/output-listing.js';
import { EXECUTION_PROVIDER_PREFERENCES, formatIssue, type EngineEvent, type ExecutionProviderPreference, type UiPayload, type WidgetOverride } from '../../protocol/index.js';
import { createRunDisplay } from '../run-progress.js';
import { collectOverride, printIssues, readWorkflowFile } from '../workflow-file.js';

interface RunOptions {
  out: string;
  device: ExecutionProviderPreference;
  models?: string;
  comfyui?: string;
  set: WidgetOverride[];
  json?: boolean;
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
    const queued = await engine.request('enqueue', {
      workflow: read.json,
      options: { outputDir, label: path.basename(file), executionProvider: options.device },
      overrides: options.set,
    });
    if (!queued.ok) return reportInvalid(file, queued.issues, options);

    const cancel = () => void engine.request('cancel', { jobId: queued.jobId });
    process.once('SIGINT', cancel);
    const end = await engine.waitForJob(queued.jobId);
    process.off('SIGINT', cancel);
    display.stop();
    return report(end, events, outputDir, options);
  } finally {
    await engine.close();
  }
}

function report(end: TerminalEvent, events: readonly EngineEvent[], outputDir: string, options: RunOptions): number {
  const outputs = events.filter((event): event is Extract<EngineEvent, { type: 'output' }> => event.type === 'output');
  const files = outputs.flatMap((event) => filesIn(event.ui).map((relative) => path.join(outputDir, relative)));
  const executed = events.filter((event) => event.type === 'executing').map((event) => event.nodeId);
  const cached = events.find((event) => event.type === 'cached')?.nodes ?? [];
  const status = end.type === 'done' ? 'success' : end.type;
  if (options.json) {
    const summary = {
      status,
      jobId: end.jobId,
      files,
      executed,
      cached,
      outputs: Object.fromEntries(outputs.map((event) => [event.nodeId, event.ui])),
      ...(end.type === 'done' ? { durationMs: end.durationMs, peakMemoryMiB: end.peakMemoryMiB } : {}),
      ...(end.type === 'error' ? { failure: end.failure } : {}),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (end.type === 'done') {
    for (const event of outputs) for (const text of textsIn(event.ui)) process.stdout.write(`${event.nodeId}: ${text}\n`);
    process.stdout.write(files.length > 0 ? `wrote:\n${files.map((f) => `  ${f}`).join('\n')}\n` : 'done (no files written)\n');
    process.stderr.write(`finished in ${(end.durationMs / 1000).toFixed(2)} s\n`);
  } else if (end.type === 'error') {
    const { failure } = end;
    process.stderr.write(`failed: ${formatIssue({ code: 'execution_failed', ...failure })}\n`);
    if (failure.cause) process.stderr.write(`${failure.cause}\n`);
  } else {
    process.stderr.write('cancelled\n');
  }
  return { success: 0, error: 1, cancelled: 130 }[status];
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
