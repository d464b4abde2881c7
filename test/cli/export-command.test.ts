import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import { registerExportCommand } from '../../app/cli/commands/export.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { comfyUiWorkflowSchema } from '../support/comfyui-workflow-schema.js';

async function exportCommand(args: readonly string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('scalecrafter')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  registerExportCommand(program);
  await program.parseAsync(['export', ...args], { from: 'user' });
  return { out, err };
}

const shipped = (name: string) => path.join(import.meta.dirname, '../../workflows', name);

describe('scalecrafter export --comfy', () => {
  test('--out writes a ComfyUI workflow file: KSampler for our Sampler, ReDilate kept under its own type', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'scalecrafter-export-')), 'scalecrafter-4x.comfyui.json');
    const { out, err } = await exportCommand(['--comfy', shipped('scalecrafter-4x.json'), '--out', file]);
    assert.equal(out, '');
    assert.match(err, /ComfyUI workflow written/);
    const written: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const parsed = comfyUiWorkflowSchema.parse(written);
    const types = parsed.nodes.map((node) => node.type);
    assert.ok(types.includes('KSampler') && types.includes('ReDilate') && types.includes('CheckpointLoaderSimple'), types.join(', '));
    assert.ok(!types.includes('Sampler'));
  });

  test('without --out the file goes to standard output', async () => {
    const { out } = await exportCommand(['--comfy', shipped('default.json')]);
    const parsed = comfyUiWorkflowSchema.parse(JSON.parse(out));
    assert.equal(parsed.version, 0.4);
  });

  test('a missing file, or one that is not a workflow, is a problem for the user, naming it', async () => {
    await assert.rejects(exportCommand(['--comfy', '/no/such/workflow.json']), (error: unknown) => error instanceof UserFacingError && /no such file: \/no\/such\/workflow\.json/.test(error.message));
    const notWorkflow = path.join(mkdtempSync(path.join(tmpdir(), 'scalecrafter-export-')), 'list.json');
    writeFileSync(notWorkflow, '[1, 2]');
    await assert.rejects(exportCommand(['--comfy', notWorkflow]), (error: unknown) => error instanceof UserFacingError && error.message.startsWith(`${notWorkflow} cannot be read: a workflow must be a JSON object`));
  });
});
