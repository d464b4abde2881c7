import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fillUniform, fmix32, fnv1a32, streamKey } from '../../../app/models/weights/counter-random.js';

describe('counter-random', () => {
  test('FNV-1a 32 matches the published test vectors (Fowler/Noll/Vo test suite)', () => {
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  test('fmix32 is a bijection on a sample: 65536 consecutive inputs give 65536 distinct outputs', () => {
    const outputs = new Set<number>();
    for (let i = 0; i < 65536; i++) outputs.add(fmix32(0x12340000 + i));
    assert.equal(outputs.size, 65536);
    assert.equal(fmix32(0), 0); // the finalizer maps 0 to 0 (every step preserves zero)
  });

  test('element i does not depend on the array length (slices regenerate on their own)', () => {
    const key = streamKey(9, 'x');
    const short = new Float32Array(5);
    const long = new Float32Array(50);
    fillUniform(short, key, 1);
    fillUniform(long, key, 1);
    assert.deepEqual(short, long.subarray(0, 5));
  });

  test('rejects seeds outside [0, 2^32)', () => {
    assert.throws(() => streamKey(2 ** 32, 'x'), /must be an integer in \[0, 2\^32\)/);
  });
});
