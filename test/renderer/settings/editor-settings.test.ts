import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EditorSettingsStore, parseSettings } from '../../../renderer/src/settings/editor-settings.js';
import { MemoryStorage } from '../../support/memory-storage.js';

const DEFAULTS = { linkStyle: 'spline', snapToGrid: false, gridSize: 20, showMinimap: true };

test('settings start at their defaults, are kept, and reach the listeners', () => {
  const storage = new MemoryStorage();
  const settings = new EditorSettingsStore(storage);
  assert.deepEqual(settings.value, DEFAULTS);
  const heard: unknown[] = [];
  settings.onChange((value) => heard.push(value));
  settings.update({ linkStyle: 'straight', snapToGrid: true, gridSize: 50 });
  const expected = { ...DEFAULTS, linkStyle: 'straight', snapToGrid: true, gridSize: 50 };
  assert.deepEqual(heard, [expected]);
  assert.deepEqual(new EditorSettingsStore(storage).value, expected, 'read back by the next session');
});

test('a bad stored value falls back to its own default and leaves the others alone', () => {
  assert.deepEqual(parseSettings('{"linkStyle":"wiggly","snapToGrid":true,"gridSize":3}'), { ...DEFAULTS, snapToGrid: true });
  assert.deepEqual(parseSettings('not json'), DEFAULTS);
  assert.deepEqual(parseSettings('[1,2]'), DEFAULTS);
  assert.deepEqual(parseSettings(null), DEFAULTS);
});
