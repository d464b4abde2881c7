/**
 * `scalecrafter export --comfy F [--out G]`: a workflow (ours, of any version, or ComfyUI's) as a
 * ComfyUI workflow file — the engine's `exportComfyUi` reply, the same file the editor's "Save as
 * ComfyUI workflow" writes. What ComfyUI's form could not hold is listed on stderr.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import { UserFacingError } from '../../protocol/index.js';
import { outputOf } from '../command-output.js';
import { readWorkflowFile } from '../workflow-file.js';

async function exportComfy(file: string): Promise<{ workflow: unknown; notes: string[] }> {
  const read = await readWorkflowFile(file);
  if (!read.ok) throw new UserFacingError(read.issues.map((issue) => issue.message).join('; '), { field: '--comfy', hint: read.issues[0]?.hint });
  const engine = await EngineClient.start();
  try {
    const exported = await engine.request('exportComfyUi', { workflow: read.json });
    if (!exported.ok) {
      throw new UserFacingError(`${file} cannot be read: ${exported.issues.map((issue) => issue.message).join('; ')}`, { field: '--comfy', hint: exported.issues[0]?.hint });
    }
    return exported;
  } finally {
    await engine.close();
  }
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write a workflow in another app\'s format')
    .requiredOption('--comfy <workflow>', 'the workflow to write as a ComfyUI workflow (UI format, opens in ComfyUI)')
    .option('--out <file>', 'where to write it (default: standard output)')
    .action(async (options: { comfy: string; out?: string }, command: Command) => {
      const output = outputOf(command);
      const { workflow, notes } = await exportComfy(options.comfy);
      const text = `${JSON.stringify(workflow, null, 2)}\n`;
      if (options.out) {
        await writeFile(options.out, text);
        output.err(`${options.out}: ComfyUI workflow written\n`);
      } else output.out(text);
      for (const note of notes) output.err(`note: ${note}\n`);
    });
}
