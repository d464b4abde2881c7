import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asciiJson, encodeRgbPng } from '../../../app/imaging/png-metadata.js';
import { isPng, readPngText } from '../../../renderer/src/files/png-text.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('reading a PNG\'s text chunks', () => {
  const pixels = new Uint8Array(2 * 2 * 3).fill(128);

  test('finds the workflow the app\'s own PNG writer embedded', () => {
    const workflow = { nodes: [{ id: 1, type: 'Sampler', widgets: { text: 'a café, 東京' } }] };
    const png = encodeRgbPng(pixels, 2, 2, { workflow: asciiJson(workflow), prompt: '{"1":{}}' });
    assert.ok(isPng(png));
    const text = readPngText(png);
    assert.equal(text.prompt, '{"1":{}}');
    assert.ok(text.workflow !== undefined);
    assert.deepEqual(JSON.parse(text.workflow), workflow);
  });

  test('a PNG without text has none; other files and truncated PNGs are refused', () => {
    assert.deepEqual(readPngText(encodeRgbPng(pixels, 2, 2, {})), {});
    assert.equal(isPng(new TextEncoder().encode('{"nodes": []}')), false);
    assert.throws(() => readPngText(new TextEncoder().encode('{}')), UserFacingError);
    const png = encodeRgbPng(pixels, 2, 2, { workflow: 'x'.repeat(100) });
    assert.throws(() => readPngText(png.subarray(0, 60)), /truncated/);
  });
});
