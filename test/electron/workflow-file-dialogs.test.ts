import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { handleShellRequest } from '../../app/electron/ipc-boundary.js';
import { WorkflowFiles, type WorkflowDialogs } from '../../app/electron/workflow-file-dialogs.js';
import { shellChannels } from '../../app/protocol/index.js';

/** The native dialogs are the boundary: they answer with scripted paths; the files are real. */
class ScriptedDialogs implements WorkflowDialogs {
  asked: string[] = [];
  constructor(private answers: { open?: string | null; save?: string | null }) {}
  async chooseFileToOpen() {
    this.asked.push('open');
    return this.answers.open ?? null;
  }
  async chooseFileToSave(suggestedName: string) {
    this.asked.push(`save ${suggestedName}`);
    return this.answers.save ?? null;
  }
}

describe('desktop open and save', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-files-'));

  test('open returns the chosen file\'s bytes; cancelling returns null', async () => {
    const file = path.join(dir, 'portrait.json');
    writeFileSync(file, '{"nodes":[]}');
    const files = new WorkflowFiles(new ScriptedDialogs({ open: file }));
    const opened = await files.open();
    assert.equal(opened?.name, 'portrait.json');
    assert.equal(Buffer.from(opened!.base64, 'base64').toString('utf8'), '{"nodes":[]}');
    assert.equal(await new WorkflowFiles(new ScriptedDialogs({ open: null })).open(), null);
  });

  test('a new document asks where (suggesting a .json name) and writes the whole file', async () => {
    const target = path.join(dir, 'new.json');
    const dialogs = new ScriptedDialogs({ save: target });
    const saved = await new WorkflowFiles(dialogs).save({ text: '{"a":1}', suggestedName: 'Untitled' });
    assert.deepEqual(saved, { path: target, name: 'new.json' });
    assert.deepEqual(dialogs.asked, ['save Untitled.json']);
    assert.equal(readFileSync(target, 'utf8'), '{"a":1}');
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
  });

  test('Save writes back to a file the user chose without asking; any other path is asked for', async () => {
    const chosen = path.join(dir, 'chosen.json');
    writeFileSync(chosen, 'old');
    const dialogs = new ScriptedDialogs({ open: chosen, save: path.join(dir, 'picked.json') });
    const files = new WorkflowFiles(dialogs);
    await files.open();
    await files.save({ text: 'new', suggestedName: 'chosen.json', path: chosen });
    assert.equal(readFileSync(chosen, 'utf8'), 'new');
    assert.deepEqual(dialogs.asked, ['open']);
    // A path the page made up (never picked in a dialog) is not written: the user is asked instead.
    const planted = path.join(dir, 'planted.json');
    const saved = await files.save({ text: 'sneaky', suggestedName: 'x.json', path: planted });
    assert.equal(saved?.name, 'picked.json');
    assert.deepEqual(dialogs.asked, ['open', 'save x.json']);
    assert.equal(readdirSync(dir).includes('planted.json'), false);
  });

  test('cancelling Save writes nothing', async () => {
    const files = new WorkflowFiles(new ScriptedDialogs({ save: null }));
    assert.equal(await files.save({ text: '{}', suggestedName: 'a' }), null);
  });

  test('through the IPC boundary, malformed open and save requests are refused before any dialog or write', async () => {
    const handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
    const host = { handle: (channel: string, handler: (payload: unknown) => Promise<unknown>) => void handlers.set(channel, handler), send: () => undefined };
    const target = path.join(dir, 'via-ipc.json');
    const dialogs = new ScriptedDialogs({ save: target });
    const files = new WorkflowFiles(dialogs);
    handleShellRequest(host, 'openWorkflow', () => files.open());
    handleShellRequest(host, 'saveWorkflow', (request) => files.save(request));
    const save = handlers.get(shellChannels.saveWorkflow.channel)!;
    await assert.rejects(save({ text: 3, suggestedName: 'a' }), /malformed save request/);
    await assert.rejects(save({ text: '{}', suggestedName: '' }), /malformed save request/);
    await assert.rejects(handlers.get(shellChannels.openWorkflow.channel)!('/etc/passwd'), /malformed open request/);
    assert.deepEqual(dialogs.asked, []);
    assert.deepEqual(await save({ text: '{"ok":true}', suggestedName: 'via-ipc' }), { path: target, name: 'via-ipc.json' });
    assert.equal(readFileSync(target, 'utf8'), '{"ok":true}');
  });
});
