import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { namedFromPositional, positionalLength, widgetOrderOf } from '../../app/engine/positional-widgets.js';
import type { PositionalWidget } from '../../app/engine/positional-widgets.js';
import { formatIssue } from '../../app/protocol/index.js';
import type { InputSpec } from '../../app/protocol/index.js';

/** KSampler's widgets in ComfyUI's order (nodes.py KSampler.INPUT_TYPES); the seed carries a control. */
const KSAMPLER: PositionalWidget[] = [
  { name: 'seed', hasControl: true },
  { name: 'steps', hasControl: false },
  { name: 'cfg', hasControl: false },
  { name: 'sampler_name', hasControl: false },
  { name: 'scheduler', hasControl: false },
  { name: 'denoise', hasControl: false },
];
const owner = { id: 3, type: 'KSampler' };

describe('namedFromPositional', () => {
  test('maps every value to its widget and takes the control value after the seed', () => {
    const result = namedFromPositional([156680208700286, 'randomize', 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    assert.ok(result.ok);
    assert.deepEqual(result.widgets, { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1 });
    assert.deepEqual(result.widget_controls, { seed: 'randomize' });
  });

  test('accepts every control, and the booleans early ComfyUI saved', () => {
    for (const control of ['fixed', 'increment', 'decrement', 'randomize'] as const) {
      const result = namedFromPositional([1, control, 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
      assert.ok(result.ok);
      assert.equal(result.widget_controls.seed, control);
    }
    const toggledOn = namedFromPositional([1, true, 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    const toggledOff = namedFromPositional([1, false, 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    assert.ok(toggledOn.ok && toggledOff.ok);
    assert.equal(toggledOn.widget_controls.seed, 'randomize');
    assert.equal(toggledOff.widget_controls.seed, 'fixed');
  });

  test('refuses too few values, naming the node, both counts and the widget order', () => {
    const result = namedFromPositional([1, 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    assert.ok(!result.ok);
    assert.equal(result.issue.nodeId, '3');
    assert.equal(result.issue.nodeType, 'KSampler');
    const text = formatIssue(result.issue);
    assert.match(text, /^node 3 \(KSampler\): /);
    assert.match(text, /holds 6 values but the node's widgets take 7/);
    assert.match(text, /seed, seed's control, steps/);
  });

  test('refuses too many values', () => {
    const result = namedFromPositional([1, 'fixed', 20, 8, 'euler', 'normal', 1, 'extra'], KSAMPLER, owner);
    assert.ok(!result.ok);
    assert.match(result.issue.message, /holds 8 values but the node's widgets take 7/);
  });

  test('refuses a control that is not one of the four, on the seed field', () => {
    const result = namedFromPositional([1, 'sometimes', 20, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    assert.ok(!result.ok);
    assert.equal(result.issue.field, 'seed');
    assert.match(result.issue.message, /"sometimes"/);
  });

  test('refuses a value that is not a widget value, on its field', () => {
    const result = namedFromPositional([1, 'fixed', { steps: 20 }, 8, 'euler', 'normal', 1], KSAMPLER, owner);
    assert.ok(!result.ok);
    assert.equal(result.issue.field, 'steps');
  });

  test('an absent array leaves every widget at its default; a non-array is refused', () => {
    const absent = namedFromPositional(undefined, KSAMPLER, owner);
    assert.ok(absent.ok);
    assert.deepEqual(absent.widgets, {});
    assert.ok(!namedFromPositional({ seed: 1 }, KSAMPLER, owner).ok);
  });
});

describe('widgetOrderOf', () => {
  test('lists widgets in schema order, skips sockets, keeps widgets shown as inputs, marks seeds', () => {
    const inputs: InputSpec[] = [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'seed', kind: 'SEED', default: 0, controlDefault: 'fixed' },
      { name: 'positive', kind: 'socket', type: 'CONDITIONING' },
      { name: 'steps', kind: 'INT', default: 20, min: 1, max: 100, step: 1, forceInput: true },
      { name: 'sampler', kind: 'COMBO', options: ['euler'], default: 'euler' },
    ];
    const order = widgetOrderOf(inputs);
    assert.deepEqual(order, [
      { name: 'seed', hasControl: true },
      { name: 'steps', hasControl: false },
      { name: 'sampler', hasControl: false },
    ]);
    assert.equal(positionalLength(order), 4);
  });
});
