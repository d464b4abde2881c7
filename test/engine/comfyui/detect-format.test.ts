import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectComfyUiFormat } from '../../../app/engine/comfyui/detect-format.js';
import { WORKFLOW_FORMAT } from '../../../app/protocol/index.js';
import { loadFixture } from './graph-assertions.js';

test('ComfyUI files are told apart by format', () => {
  assert.equal(detectComfyUiFormat(loadFixture('default-workflow.json')), 'ui');
  assert.equal(detectComfyUiFormat(loadFixture('lora-note-reroute.json')), 'ui');
  assert.equal(detectComfyUiFormat(loadFixture('legacy-object-vectors.json')), 'ui');
  assert.equal(detectComfyUiFormat(loadFixture('default-workflow-api.json')), 'api');
});

test('a ComfyUI file is recognised by its node types even without the S&R property', () => {
  // ComfyUI's built-in default graph (ComfyUI_frontend src/scripts/defaultGraph.ts) has empty properties.
  const bare = { nodes: [{ id: 3, type: 'KSampler', properties: {}, widgets_values: [1, true, 20, 8, 'euler', 'normal', 1] }], links: [] };
  assert.equal(detectComfyUiFormat(bare), 'ui');
});

test('our own files, in either version, are not ComfyUI files', () => {
  const litegraphOfOurs = {
    last_node_id: 1,
    last_link_id: 0,
    nodes: [{ id: 1, type: 'EmptyLatentImage', pos: [0, 0], size: [315, 106], properties: {}, widgets_values: [512, 512, 1] }],
    links: [],
    version: 0.4,
  };
  assert.equal(detectComfyUiFormat(litegraphOfOurs), null);
  assert.equal(detectComfyUiFormat({ ...loadFixture('default-workflow.json'), format: WORKFLOW_FORMAT, version: 1 }), null);
});

test('anything else is not a ComfyUI file', () => {
  for (const json of [null, 42, 'KSampler', [], {}, { 3: { class_type: 'KSampler' } }, { 3: { inputs: {} } }, { nodes: 'none' }]) {
    assert.equal(detectComfyUiFormat(json), null, JSON.stringify(json));
  }
});
