import assert from 'node:assert/strict';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { test } from 'node:test';
import { toNodeFailure } from '../../app/engine/node-failure.js';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { serializeModel } from '../../app/onnx/model-io.js';
import { constantScalar, expand } from '../../app/onnx/ops.js';
import { OUT_OF_MEMORY_CODE, openSession } from '../../app/runtime/session.js';

test('an allocation ONNX Runtime cannot make becomes an UserFacingError whose hint reaches the node failure', async () => {
  const graph = new GraphBuilder({ graphName: 'too_big' });
  const shape = graph.input('shape', 'int64', [3]);
  graph.output(expand(graph, constantScalar(graph, 'float32', 1), shape), 'y', 'float32', ['a', 'b', 'c']);
  const session = await openSession(serializeModel(graph.build()), { executionProvider: 'cpu' });
  // 10^13 floats: 40 TB, more than any machine this runs on.
  const error = await session.run({ shape: { type: 'int64', data: BigInt64Array.of(100000n, 100000n, 1000n), dims: [3] } }).catch((caught: unknown) => caught);
  await session.release();
  assert.ok(UserFacingError.hasCode(error, OUT_OF_MEMORY_CODE), String(error));
  const failure = toNodeFailure(error, '5', 'Sampler');
  assert.match(failure.message, /ran out of memory on cpu/);
  assert.match(failure.hint!, /tile_size/);
  // The session stays usable for a size that fits.
  const again = await openSession(serializeModel(graph.build()), { executionProvider: 'cpu' });
  const fits = await again.run({ shape: { type: 'int64', data: BigInt64Array.of(2n, 2n, 2n), dims: [3] } });
  assert.equal(fits.y!.data.length, 8);
  await again.release();
});
