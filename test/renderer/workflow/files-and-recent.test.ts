import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asciiJson, encodeRgbPng } from '../../../app/imaging/png-metadata.js';
import { MAX_RECENT_TEXT, parseRecentFiles, recentLabel, withRecentFile } from '../../../renderer/src/workflow/recent-files.js';
import { documentNameOf, workflowJsonFromBytes } from '../../../renderer/src/workflow/workflow-source.js';
import { commandForKey } from '../../../renderer/src/controllers/shortcut-map.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { OWN_WORKFLOW_CHUNK } from '../../../app/protocol/workflow.js';

describe('opening bytes', () => {
  const pixels = new Uint8Array(3).fill(0);

  test('a JSON file, a PNG with a workflow (ComfyUI\'s, or ours as images written before the own chunk), and a ComfyUI PNG with only a prompt', () => {
    const workflow = { format: 'scalecrafter-workflow', nodes: [] };
    assert.deepEqual(workflowJsonFromBytes('a.json', new TextEncoder().encode(JSON.stringify(workflow))), workflow);
    assert.deepEqual(workflowJsonFromBytes('a.png', encodeRgbPng(pixels, 1, 1, { workflow: asciiJson(workflow), prompt: '{}' })), workflow);
    assert.deepEqual(workflowJsonFromBytes('api.png', encodeRgbPng(pixels, 1, 1, { prompt: '{"3":{"class_type":"KSampler","inputs":{}}}' })), { 3: { class_type: 'KSampler', inputs: {} } });
  });

  test('a PNG of ours prefers our own chunk to ComfyUI\'s workflow and prompt', () => {
    const ours = { format: 'scalecrafter-workflow', version: 1, nodes: [] };
    const comfy = { last_node_id: 0, nodes: [], links: [], version: 0.4 };
    const png = encodeRgbPng(pixels, 1, 1, { prompt: '{}', workflow: asciiJson(comfy), [OWN_WORKFLOW_CHUNK]: asciiJson(ours) });
    assert.deepEqual(workflowJsonFromBytes('new.png', png), ours);
  });

  test('files without a workflow say so by name', () => {
    assert.throws(() => workflowJsonFromBytes('photo.png', encodeRgbPng(pixels, 1, 1, {})), (error: unknown) => error instanceof UserFacingError && /photo\.png carries no workflow/.test(error.message));
    assert.throws(() => workflowJsonFromBytes('notes.json', new TextEncoder().encode('{oops')), /notes\.json is not a workflow/);
  });

  test('document names drop the extension', () => {
    assert.equal(documentNameOf('portrait.json'), 'portrait');
    assert.equal(documentNameOf('ScaleCrafter_00001_.PNG'), 'ScaleCrafter_00001_');
    assert.equal(documentNameOf('.json'), 'Untitled');
  });
});

describe('recent files', () => {
  test('newest first, one entry per file, bounded, oversized workflows skipped', () => {
    let list = withRecentFile([], { name: 'a', text: '{}', savedAt: 1 });
    list = withRecentFile(list, { name: 'b', path: '/w/b.json', text: '{}', savedAt: 2 });
    list = withRecentFile(list, { name: 'a', text: '{"new":1}', savedAt: 3 });
    assert.deepEqual(list.map((file) => [file.name, file.savedAt]), [['a', 3], ['b', 2]]);
    list = withRecentFile(list, { name: 'huge', text: 'x'.repeat(MAX_RECENT_TEXT + 1), savedAt: 4 });
    assert.equal(list.length, 2);
    for (let index = 0; index < 20; index++) list = withRecentFile(list, { name: `f${index}`, text: '{}', savedAt: 10 + index }, 5);
    assert.equal(list.length, 5);
  });

  test('unsaved work is an entry of its own beside the file it came from, and each kind is labelled', () => {
    let list = withRecentFile([], { name: 'a', text: '{}', savedAt: 1, kind: 'opened' });
    list = withRecentFile(list, { name: 'a', text: '{"edited":1}', savedAt: 2, kind: 'unsaved' });
    list = withRecentFile(list, { name: 'a', text: '{"edited":2}', savedAt: 3, kind: 'unsaved' });
    assert.deepEqual(list.map((file) => [file.kind, file.savedAt]), [['unsaved', 3], ['opened', 1]]);
    list = withRecentFile(list, { name: 'a', text: '{}', savedAt: 4, kind: 'saved' });
    assert.deepEqual(list.map(recentLabel), ['a', 'a (unsaved changes)']);
    assert.equal(recentLabel({ name: 'b', path: '/w/b.json', text: '{}', savedAt: 1, kind: 'opened' }), '/w/b.json (opened)');
    assert.deepEqual(parseRecentFiles('[{"name":"a","text":"{}","savedAt":1,"kind":"stolen"}]'), []);
  });

  test('whatever localStorage holds, parsing never throws', () => {
    assert.deepEqual(parseRecentFiles(null), []);
    assert.deepEqual(parseRecentFiles('{not json'), []);
    assert.deepEqual(parseRecentFiles('{"a":1}'), []);
    assert.deepEqual(parseRecentFiles('[{"name":"a","text":"{}","savedAt":1},{"name":2}]'), [{ name: 'a', text: '{}', savedAt: 1 }]);
  });
});

describe('keyboard shortcuts', () => {
  const chord = (key: string, mods: { shift?: boolean; meta?: boolean; ctrl?: boolean; alt?: boolean } = {}) => ({
    key,
    ctrlKey: mods.ctrl ?? !mods.meta,
    metaKey: mods.meta ?? false,
    shiftKey: mods.shift ?? false,
    altKey: mods.alt ?? false,
  });

  test('map to document commands, with Cmd as Ctrl', () => {
    assert.equal(commandForKey(chord('s'), false), 'save');
    assert.equal(commandForKey(chord('S', { shift: true }), false), 'saveAs');
    assert.equal(commandForKey(chord('z'), false), 'undo');
    assert.equal(commandForKey(chord('Z', { shift: true }), false), 'redo');
    assert.equal(commandForKey(chord('y'), false), 'redo');
    assert.equal(commandForKey(chord('Enter', { meta: true }), false), 'queue');
    assert.equal(commandForKey(chord('o'), false), 'open');
  });

  test('map ComfyUI\'s canvas keys: Ctrl+B bypass, Ctrl+M mute, Ctrl+G group, "." fit view, none in a text field', () => {
    assert.deepEqual(['b', 'm', 'g'].map((key) => commandForKey(chord(key), false)), ['bypass', 'mute', 'group']);
    assert.equal(commandForKey(chord('.', { ctrl: false }), false), 'fitView');
    assert.equal(commandForKey(chord('.', { ctrl: false }), true), null);
    assert.equal(commandForKey(chord('b'), true), null);
  });

  test('leave text fields their own undo, and ignore plain keys and Alt chords', () => {
    assert.equal(commandForKey(chord('z'), true), null);
    assert.equal(commandForKey(chord('Enter'), true), 'queue');
    assert.equal(commandForKey(chord('s', { ctrl: false }), false), null);
    assert.equal(commandForKey(chord('s', { alt: true }), false), null);
    assert.equal(commandForKey(chord('Delete'), false), null);
  });
});
