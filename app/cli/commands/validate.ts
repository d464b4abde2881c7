import type { Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import { collectOverride, printIssues, readWorkflowFile } from '../workflow-file.js';
import type { WidgetOverride } from '../../protocol/index.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a workflow (ours or ComfyUI\'s) without running it')
    .argument('<workflow>', 'workflow JSON file')
    .option('--set <NODE_ID.FIELD=VALUE>', 'override a widget value (repeatable)', collectOverride, [] as WidgetOverride[])
    .option('--json', 'print the issues as JSON')
    .action(async (file: string, options: { set: WidgetOverride[]; json?: boolean }) => {
      const read = await readWorkflowFile(file);
      let issues = read.ok ? [] : read.issues;
      if (read.ok) {
        const engine = await EngineClient.start();
        try {
          issues = (await engine.request('validate', { workflow: read.json, overrides: options.set })).issues;
        } finally {
          await engine.close();
        }
      }
      if (options.json) process.stdout.write(`${JSON.stringify({ valid: issues.length === 0, issues }, null, 2)}\n`);
      else if (issues.length === 0) process.stdout.write(`${file}: valid\n`);
      else {
        process.stderr.write(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n`);
        printIssues(issues);
      }
      process.exitCode = issues.length === 0 ? 0 : 2;
    });
}
