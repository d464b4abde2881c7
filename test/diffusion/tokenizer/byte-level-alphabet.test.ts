import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTE_LEVEL_ALPHABET, toByteLevel } from '../../../app/diffusion/tokenizer/byte-level-alphabet.js';

test('256 distinct bytes and characters, printable bytes first ("!" has CLIP id 0)', () => {
  assert.equal(BYTE_LEVEL_ALPHABET.length, 256);
  assert.equal(new Set(BYTE_LEVEL_ALPHABET.map((e) => e.byte)).size, 256);
  assert.equal(new Set(BYTE_LEVEL_ALPHABET.map((e) => e.character)).size, 256);
  assert.deepEqual(BYTE_LEVEL_ALPHABET[0], { byte: 0x21, character: '!' });
  // 94 + 12 + 82 = 188 printable bytes map to themselves, then the 68 others in byte order.
  assert.deepEqual(BYTE_LEVEL_ALPHABET[188], { byte: 0x00, character: '\u0100' });
});

test('the well-known GPT-2 remappings: space → Ġ, newline → Ċ, soft hyphen → Ń', () => {
  const characterOf = (byte: number): string | undefined => BYTE_LEVEL_ALPHABET.find((e) => e.byte === byte)?.character;
  assert.equal(characterOf(0x20), 'Ġ');
  assert.equal(characterOf(0x0a), 'Ċ');
  assert.equal(characterOf(0xad), 'Ń');
  assert.equal(characterOf(0x61), 'a');
});

test('toByteLevel spells UTF-8 bytes: é (C3 A9) → "Ã©", 🐱 (F0 9F 90 B1) → four characters', () => {
  assert.equal(toByteLevel('é'), 'Ã©');
  assert.equal(toByteLevel('cat'), 'cat');
  assert.equal(Array.from(toByteLevel('🐱')).length, 4);
});
