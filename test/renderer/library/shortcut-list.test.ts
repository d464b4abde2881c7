import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHORTCUT_GROUPS } from '../../../renderer/src/controllers/shortcut-list.js';
import { commandForKey, type ShortcutCommand } from '../../../renderer/src/controllers/shortcut-map.js';

const entries = SHORTCUT_GROUPS.flatMap((group) => group.entries);

test('every document key the panel lists runs the command it names', () => {
  for (const entry of entries.filter((candidate) => candidate.chord)) {
    const chord = { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...entry.chord! };
    assert.equal(commandForKey(chord, false), entry.command, entry.keys);
  }
});

test('the panel lists every command the key map has', () => {
  const listed = new Set(entries.map((entry) => entry.command));
  const all: ShortcutCommand[] = ['save', 'saveAs', 'open', 'undo', 'redo', 'queue', 'queueFront', 'bypass', 'mute', 'group', 'fitView'];
  assert.deepEqual(all.filter((command) => !listed.has(command)), []);
});
