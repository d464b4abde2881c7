import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withComfyNames } from '../../../app/engine/comfyui/comfy-names.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { NodeSearch } from '../../../renderer/src/library/node-search.js';

// The schemas exactly as the engine's nodeSchemas request answers them.
const schemas = withComfyNames(createNodeRegistry().schemas());
const search = new NodeSearch(schemas);
const first = (query: string) => search.search(query)[0];

describe('node search', () => {
  test('ComfyUI class names find our node types, and say which name matched', () => {
    for (const [comfy, ours] of [
      ['KSampler', 'Sampler'],
      ['CLIPTextEncode', 'TextEncode'],
      ['CheckpointLoaderSimple', 'LoadCheckpoint'],
      ['EmptyLatentImage', 'EmptyLatentImage'],
      ['VAEDecode', 'VAEDecode'],
    ] as const) {
      assert.equal(first(comfy)?.schema.type, ours, comfy);
    }
    assert.equal(first('KSampler')?.comfyName, 'KSampler');
    assert.equal(first('CLIP Text Encode (Prompt)')?.schema.type, 'TextEncode', "ComfyUI's default title");
  });

  test('typos and partial words still find the node', () => {
    assert.equal(first('ksampelr')?.schema.type, 'Sampler');
    assert.equal(first('checkpoint')?.schema.type, 'LoadCheckpoint');
    assert.equal(first('redilat')?.schema.type, 'ReDilate');
  });

  test("our own names rank above a ComfyUI alias's near miss", () => {
    assert.equal(first('Sampler')?.schema.type, 'Sampler');
    assert.equal(first('Sampler')?.comfyName, undefined);
  });

  test('description words find a node whose name does not contain them', () => {
    const described = schemas.find((schema) => schema.type === 'ReDilate')!.description;
    const word = described.split(/\W+/).find((candidate) => candidate.length >= 7 && !/dilat/i.test(candidate))!;
    assert.ok(search.search(word).some((match) => match.schema.type === 'ReDilate'), `"${word}" from ReDilate's description`);
  });

  test('an empty query lists every node type, by category then name; nonsense lists none', () => {
    const all = search.search('  ');
    assert.equal(all.length, schemas.length);
    // Category first, whole: "latent" (all of it) before "latent/inpaint", as the library groups them.
    const keys = all.map((match) => [match.schema.category, match.schema.displayName] as const);
    assert.deepEqual(keys, [...keys].sort(([categoryA, nameA], [categoryB, nameB]) => categoryA.localeCompare(categoryB) || nameA.localeCompare(nameB)));
    assert.deepEqual(search.search('zzqxjv'), []);
  });
});
