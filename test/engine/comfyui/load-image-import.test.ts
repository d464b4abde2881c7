import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultEngineConfig } from '../../../app/engine/engine-config.js';
import { importComfyUi } from '../../../app/engine/comfyui/import-comfyui.js';
import { EngineService } from '../../../app/engine/engine-service.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { ComfyGraphBuilder } from '../../support/comfy-ui-builder.js';
import { COMFY_SLOTS } from './comfy-slots.js';

test('ComfyUI\'s LoadImage becomes ours with its file name (the upload button\'s value dropped) and validates', () => {
  const registry = createNodeRegistry(defaultEngineConfig());
  const graph = new ComfyGraphBuilder();
  graph.add(1, 'LoadImage', COMFY_SLOTS.LoadImage, ['photo.png', 'image']);
  graph.add(2, 'SaveImage', COMFY_SLOTS.SaveImage, ['out']);
  graph.connect(1, 0, 2, 'images');
  const imported = importComfyUi(graph.workflow(), registry);
  assert.ok(imported.ok);
  assert.deepEqual(imported.unknownTypes, []);
  assert.deepEqual(imported.notes, []);
  const loadImage = imported.workflow.nodes.find((node) => node.id === 1)!;
  assert.equal(loadImage.type, 'LoadImage');
  assert.deepEqual(loadImage.widgets, { image: 'photo.png' });
  const service = new EngineService(registry, () => {});
  assert.deepEqual(service.prepare(graph.workflow()).ok, true);
});
