/**
 * The shipped CLIP vocabulary (assets/clip-bpe) tokenizes as CLIP does: ids pinned for known
 * prompts ("a photo of a cat" is 320 1125 539 320 2368 in every CLIP example) and, for more
 * prompts, equal to a naive merge loop written from the published rules (test/reference/clip-bpe.ts).
 * SD 1.x pads with <|endoftext|> (49407), OpenCLIP tokenizers (SD 2.x, SDXL's tokenizer_2) with "!" (0).
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { CLIP_VOCABULARY_SIZE, clipBpeMergesFile, loadClipBpeVocabulary } from '../../../app/diffusion/tokenizer/clip-bpe-vocabulary.js';
import { loadClipTokenizer, type ClipTokenizer } from '../../../app/diffusion/tokenizer/clip-tokenizer.js';
import { writeFamilyTokenizers } from '../../../app/models/checkpoint/family-files.js';
import { NaiveClipBpe } from '../../reference/clip-bpe.js';

const PROMPTS = [
  'A painting of a squirrel eating a burger',
  'an astronaut riding a horse on Mars, highly detailed, 8k, trending on artstation',
  "it's a dog's life — café au lait!!",
  'photorealistic portrait of an old fisherman,  dramatic   lighting',
];

describe('the shipped CLIP BPE vocabulary', () => {
  let dir = '';
  let sd1: ClipTokenizer;
  let sd2: ClipTokenizer;
  let reference: NaiveClipBpe;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clip-bpe-'));
    await writeFamilyTokenizers(join(dir, 'sd1'), 'sd1');
    await writeFamilyTokenizers(join(dir, 'sd2'), 'sd2');
    sd1 = await loadClipTokenizer(join(dir, 'sd1', 'tokenizer'));
    sd2 = await loadClipTokenizer(join(dir, 'sd2', 'tokenizer'));
    reference = new NaiveClipBpe(gunzipSync(await readFile(clipBpeMergesFile())).toString('utf8'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('has CLIP\'s 49408 ids with the special tokens last', async () => {
    const { vocab } = await loadClipBpeVocabulary();
    assert.equal(Object.keys(vocab).length, CLIP_VOCABULARY_SIZE);
    assert.equal(vocab['<|startoftext|>'], 49406);
    assert.equal(vocab['<|endoftext|>'], 49407);
    assert.equal(vocab['!'], 0);
    assert.equal(sd1.vocabularySize, CLIP_VOCABULARY_SIZE);
  });

  test('"a photo of a cat" gives the ids every CLIP example shows', () => {
    assert.deepEqual(Array.from(sd1.encode('a photo of a cat').ids.slice(0, 8)), [49406, 320, 1125, 539, 320, 2368, 49407, 49407]);
  });

  test('prompts tokenize as the naive merge loop does', () => {
    for (const prompt of PROMPTS) {
      const ids = sd1.encode(prompt);
      assert.deepEqual(Array.from(ids.ids.slice(1, ids.tokenCount - 1)), reference.encode(prompt), prompt);
    }
  });

  test('SD 1.x pads with <|endoftext|>, SD 2.x with "!" (id 0); the tokens are the same', () => {
    const a = sd1.encode(PROMPTS[0]!);
    const b = sd2.encode(PROMPTS[0]!);
    assert.deepEqual(Array.from(a.ids.slice(0, a.tokenCount)), Array.from(b.ids.slice(0, b.tokenCount)));
    assert.equal(a.ids[76], 49407);
    assert.equal(b.ids[76], 0);
  });
});
