import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandSweep, parseSweep } from '../../app/farm/sweep.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';

const workflow = defaultWorkflow();
const samplerId = String(nodeOfType(workflow, 'Sampler').id);
const latentId = String(nodeOfType(workflow, 'EmptyLatentImage').id);

describe('sweep files', () => {
  test('the cartesian product, first axis slowest, as --set overrides', () => {
    const sweep = parseSweep({ seeds: [1, 2], sizes: ['32x48'], set: { '2.text': ['a', 'b', 'c'] } }, 'sweep.json');
    const combinations = expandSweep(sweep, workflow);
    assert.equal(combinations.length, 2 * 1 * 3);
    assert.deepEqual(combinations.map(({ index }) => index), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(combinations[4]!.overrides, [
      { nodeId: samplerId, field: 'seed', value: 2 },
      { nodeId: latentId, field: 'width', value: 32 },
      { nodeId: latentId, field: 'height', value: 48 },
      { nodeId: '2', field: 'text', value: 'b' },
    ]);
  });

  test('no axes: the workflow once', () => {
    assert.deepEqual(expandSweep(parseSweep({}, 's.json'), workflow), [{ index: 0, overrides: [] }]);
  });

  test('a malformed sweep names the key and the file', () => {
    assert.throws(() => parseSweep({ seeds: [1.5], sizes: ['big'], set: { text: ['a'] }, extra: 1 }, 'sweep.json'), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.match(error.message, /^sweep\.json is not a valid sweep: /);
      for (const key of ['seeds.0', 'sizes.0', 'set.text', 'extra']) assert.ok(error.message.includes(key), `${key} in ${error.message}`);
      return true;
    });
  });

  test('seeds on a workflow without a seed widget say so', () => {
    const seedless = { ...workflow, nodes: workflow.nodes.filter((node) => node.type !== 'Sampler') };
    assert.throws(() => expandSweep(parseSweep({ seeds: [1] }, 's.json'), seedless), /the sweep's "seeds" has nothing to set: no node in the workflow has a "seed" widget/);
  });
});
