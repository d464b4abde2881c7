import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMergesTxt, formatSortedJson, formatVocabJson, parseMergesTxt, readClipTokenizerFolder, writeClipTokenizerFolder } from '../../../app/diffusion/tokenizer/tokenizer-folder.js';
import { generateTinyClipVocabulary } from '../../../app/diffusion/tokenizer/tiny-clip-vocabulary.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('file formats (as transformers writes them)', () => {
  test('vocab.json: json.dumps(indent=2, sort_keys=True, ensure_ascii=False) + newline', () => {
    // Python sorts by code point: "!" (21) < "0" (30) < "b" (62) < "é" (E9); JSON.stringify would put "0" first.
    assert.equal(formatVocabJson({ b: 1, '!': 0, '0': 2, é: 3, '"</w>': 4 }), '{\n  "!": 0,\n  "\\"</w>": 4,\n  "0": 2,\n  "b": 1,\n  "é": 3\n}\n');
  });

  test('nested JSON keeps Python’s layout: nested objects indented, keys sorted at every level', () => {
    assert.equal(formatSortedJson({ z: [1, true], a: { y: 'x', b: {} } }), '{\n  "a": {\n    "b": {},\n    "y": "x"\n  },\n  "z": [\n    1,\n    true\n  ]\n}\n');
  });

  test('merges.txt: "#version: 0.2" header, one "left right" per line; parsing skips the header and CRLF', () => {
    const text = formatMergesTxt([['a', 'b'], ['ab', 'c</w>']]);
    assert.equal(text, '#version: 0.2\na b\nab c</w>\n');
    assert.deepEqual(parseMergesTxt(text.replace(/\n/g, '\r\n')), [['a', 'b'], ['ab', 'c</w>']]);
    assert.throws(() => parseMergesTxt('#version: 0.2\na b c\n'), (error: unknown) => error instanceof UserFacingError && error.field === 'merges.txt');
  });
});

describe('writing and reading a tokenizer folder', () => {
  const vocabulary = generateTinyClipVocabulary();

  async function withFolder(body: (folder: string) => Promise<void>): Promise<void> {
    const folder = await mkdtemp(join(tmpdir(), 'clip-tokenizer-'));
    try {
      await body(folder);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  test('round trip keeps vocab, merges and special tokens; SD 1.x style pads with <|endoftext|>', () =>
    withFolder(async (folder) => {
      await writeClipTokenizerFolder(folder, vocabulary, { padToken: '<|endoftext|>' });
      const files = await readClipTokenizerFolder(folder);
      assert.deepEqual(files.vocab, vocabulary.vocab);
      assert.deepEqual(files.merges, vocabulary.merges);
      assert.deepEqual(files.special, { bos: '<|startoftext|>', eos: '<|endoftext|>', unk: '<|endoftext|>', pad: '<|endoftext|>' });
      assert.equal(files.modelMaxLength, 77);
      const config = JSON.parse(await readFile(join(folder, 'tokenizer_config.json'), 'utf8'));
      assert.equal(config.tokenizer_class, 'CLIPTokenizer');
      assert.equal(config.pad_token, '<|endoftext|>');
      assert.equal((await readFile(join(folder, 'merges.txt'), 'utf8')).split('\n')[0], '#version: 0.2');
    }));

  test('SD 2.x style pads with "!"; special_tokens_map.json overrides tokenizer_config.json', () =>
    withFolder(async (folder) => {
      await writeClipTokenizerFolder(folder, vocabulary, { padToken: '!' });
      assert.equal((await readClipTokenizerFolder(folder)).special.pad, '!');
      // An AddedToken-object entry in special_tokens_map.json wins over tokenizer_config.json's string.
      const map = JSON.parse(await readFile(join(folder, 'special_tokens_map.json'), 'utf8'));
      map.pad_token = { content: '<|endoftext|>', lstrip: false, normalized: true, rstrip: false, single_word: false };
      await writeFile(join(folder, 'special_tokens_map.json'), JSON.stringify(map));
      assert.equal((await readClipTokenizerFolder(folder)).special.pad, '<|endoftext|>');
      // Without special_tokens_map.json, tokenizer_config.json decides.
      await unlink(join(folder, 'special_tokens_map.json'));
      assert.equal((await readClipTokenizerFolder(folder)).special.pad, '!');
    }));

  test('errors name the file: missing vocab.json, a pad token outside the vocabulary', () =>
    withFolder(async (folder) => {
      await assert.rejects(readClipTokenizerFolder(folder), (error: unknown) => error instanceof UserFacingError && error.field === 'vocab.json');
      await assert.rejects(writeClipTokenizerFolder(folder, vocabulary, { padToken: '<pad>' }), (error: unknown) => error instanceof UserFacingError && /<pad>/.test(error.message));
    }));
});
