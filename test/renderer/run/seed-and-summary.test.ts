import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { controlUpdatesAfterQueue } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { imagesOf, viewUrl } from '../../../renderer/src/run/output-images.js';
import { summarisePrompt } from '../../../renderer/src/run/prompt-summary.js';
import { WorkflowBuilder } from '../../support/workflow-builder.js';

const registry = createNodeRegistry();
const schemas = new Map(registry.schemas().map((schema) => [schema.type, schema]));

describe('after queueing', () => {
  test('seeds move on by their control; fixed and link-driven seeds stay', () => {
    const graph = new WorkflowBuilder(registry);
    const fixed = graph.add('Sampler', { seed: 10 });
    const stepping = graph.add('Sampler', { seed: 10 });
    const driven = graph.add('Sampler', { seed: 10 });
    const defaulted = graph.add('Sampler', { seed: 10 });
    const primitive = graph.add('PrimitiveInt', { value: 3 });
    graph.node(fixed).widget_controls = { seed: 'fixed' };
    graph.node(stepping).widget_controls = { seed: 'increment' };
    graph.node(driven).widget_controls = { seed: 'increment' };
    graph.connect(primitive, 0, driven, 'seed');
    const updates = controlUpdatesAfterQueue(graph.build(), schemas, () => 0.5);
    // The Sampler's controlDefault (randomize) applies where the file names no control.
    assert.deepEqual(updates.map(({ nodeId, widget }) => [nodeId, widget]), [[stepping, 'seed'], [defaulted, 'seed']]);
    assert.equal(updates[0]!.value, 11);
    assert.notEqual(updates[1]!.value, 10);
  });

  test('a ComfyUI PrimitiveNode\'s integer moves on by its own control; a fixed one and a float stay', () => {
    const graph = new WorkflowBuilder(registry);
    const stepping = graph.add('PrimitiveNode', { value: 7 });
    const fixed = graph.add('PrimitiveNode', { value: 7 });
    const float = graph.add('PrimitiveNode', { value: 7.5 });
    graph.node(stepping).widget_controls = { value: 'decrement' };
    graph.node(fixed).widget_controls = { value: 'fixed' };
    graph.node(float).widget_controls = { value: 'increment' };
    assert.deepEqual(controlUpdatesAfterQueue(graph.build(), schemas, () => 0.5), [{ nodeId: stepping, widget: 'value', value: 6 }]);
  });

  test('a PrimitiveNode stays in the range of the widget it feeds; an Integer moves by its own control', () => {
    const graph = new WorkflowBuilder(registry);
    const primitive = graph.add('PrimitiveNode', { value: 1000 });
    const sampler = graph.add('Sampler', { steps: 20 });
    graph.node(primitive).outputs = [{ name: 'INT', type: 'INT', links: [] }];
    graph.node(primitive).widget_controls = { value: 'increment' };
    graph.node(sampler).widget_controls = { seed: 'fixed' };
    graph.connect(primitive, 0, sampler, 'steps');
    const integer = graph.add('PrimitiveInt', { value: 5 });
    graph.node(integer).widget_controls = { value: 'decrement' };
    const untouched = graph.add('PrimitiveInt', { value: 5 });
    const updates = controlUpdatesAfterQueue(graph.build(), schemas, () => 0.5);
    // Sampler's steps go up to 1000: the increment stays there, so only the Integer moves.
    assert.deepEqual(updates, [{ nodeId: integer, widget: 'value', value: 4 }]);
    assert.ok(!updates.some((update) => update.nodeId === untouched), 'an Integer\'s control starts fixed');
  });

  test('the gallery shows each image with the literal settings of the prompt that made it', () => {
    const lines = summarisePrompt({
      '2': { class_type: 'Sampler', inputs: { model: ['1', 0], seed: 42, steps: 20 } },
      '1': { class_type: 'LoadCheckpoint', inputs: { model: 'tiny-sd' }, _meta: { title: 'Base model' } },
      '3': { class_type: 'VAEDecode', inputs: { samples: ['2', 0] } },
      '10': { class_type: 'TextEncode', inputs: { text: 'x'.repeat(500) } },
    });
    assert.deepEqual(lines.slice(0, 2), [
      { nodeId: '1', title: 'Base model', settings: 'model: "tiny-sd"' },
      { nodeId: '2', title: 'Sampler', settings: 'seed: 42, steps: 20' },
    ]);
    assert.equal(lines.length, 3);
    assert.ok(lines[2]!.settings.length < 140 && lines[2]!.settings.endsWith('…'));
  });

  test('output images come from the ui payload and are served by /view relative to the page', () => {
    const images = imagesOf({ images: [{ filename: 'a b.png', subfolder: 'x/y', type: 'output' }, { nope: 1 }, 'junk'] });
    assert.deepEqual(images, [{ filename: 'a b.png', subfolder: 'x/y' }]);
    assert.equal(viewUrl(images[0]!), 'view?filename=a+b.png&subfolder=x%2Fy');
    assert.deepEqual(imagesOf({ text: ['hi'] }), []);
  });
});
