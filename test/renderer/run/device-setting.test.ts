import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceSetting } from '../../../renderer/src/run/device-setting.js';
import { MemoryStorage } from '../../support/memory-storage.js';


test('the execution-provider choice defaults to auto, is kept, and ignores stored nonsense', () => {
  const storage = new MemoryStorage();
  const setting = new DeviceSetting(storage);
  assert.equal(setting.value, 'auto');
  setting.value = 'webgpu';
  assert.equal(new DeviceSetting(storage).value, 'webgpu', 'kept between sessions');
  storage.setItem('scalecrafter.executionProvider', 'quantum');
  assert.equal(setting.value, 'auto');
});
