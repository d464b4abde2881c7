/**
 * One test for each bug the fuzzers (test/fuzz/*-fuzz.test.ts) found, written as the smallest file
 * that showed it, so each fix stays fixed whatever the fuzzers' seeds happen to generate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { decodePng, encodeRgbPng } from '../../app/imaging/png-metadata.js';
import { openSafetensors } from '../../app/models/weights/index.js';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { parseModel, readModel, serializeModel, writeModel } from '../../app/onnx/model-io.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { workflowJsonFromBytes } from '../../renderer/src/workflow/workflow-source.js';
import { writeOutputFile } from '../../app/engine/output-files.js';
import { loadWorkflow, parseWorkflowText } from '../../app/engine/workflow-load.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { defaultWorkflow } from '../support/default-workflow.js';

const registry = createNodeRegistry();
const comfyFixture = (name: string) => readFileSync(new URL(`../fixtures/comfyui/${name}`, import.meta.url), 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('workflow loading: bugs the fuzzer found', () => {
  test('a value nested 20000 deep in a ComfyUI API file is an issue on its node and input, not a stack overflow', () => {
    const text = comfyFixture('default-workflow-api.json').replace('"euler"', nested(20_000));
    const loaded = parseWorkflowText(text, registry);
    assert.ok(!loaded.ok);
    assert.deepEqual(loaded.issues.map(({ code, nodeId, nodeType, field }) => ({ code, nodeId, nodeType, field })), [
      { code: 'invalid_workflow', nodeId: '3', nodeType: 'KSampler', field: 'sampler_name' },
    ]);
    assert.match(loaded.issues[0]!.message, /nests values more than 100 levels deep/);
  });

  test('a value nested 20000 deep in a ComfyUI UI file names the node and its widgets_values', () => {
    const text = comfyFixture('default-workflow.json').replace('"text, watermark"', nested(20_000));
    const loaded = parseWorkflowText(text, registry);
    assert.ok(!loaded.ok);
    const [issue] = loaded.issues;
    assert.equal(issue?.nodeType, 'CLIPTextEncode');
    assert.match(issue!.field!, /^widgets_values\.0/);
  });

  test('nesting a real file could hold still loads', () => {
    const workflow = defaultWorkflow();
    workflow.extra = { deep: JSON.parse(nested(90)) as unknown };
    assert.ok(loadWorkflow(workflow, registry).ok);
  });

  test('a node without an id is named by its place in the file', () => {
    const workflow = defaultWorkflow() as unknown as { nodes: Record<string, unknown>[] };
    delete workflow.nodes[0]!.id;
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(!loaded.ok);
    const issue = loaded.issues.find((candidate) => candidate.field === 'id');
    assert.equal(issue?.nodeType, 'LoadCheckpoint');
    assert.match(issue!.message, /^nodes\.0\.id: /);
  });
});

const folder = mkdtempSync(path.join(tmpdir(), 'fuzz-regressions-'));

/** A one-tensor safetensors file whose header is `header` (data: `dataBytes` zero bytes). */
function safetensorsFile(name: string, header: object, dataBytes: number): string {
  const json = Buffer.from(JSON.stringify(header));
  const bytes = Buffer.alloc(8 + json.length + dataBytes);
  bytes.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(bytes, 8);
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

const isUserFacing = (pattern: RegExp) => (error: unknown) => error instanceof UserFacingError && pattern.test(error.message);

describe('file loaders: bugs the fuzzer found', () => {
  test('reading an integer tensor of a safetensors file is a UserFacingError naming the file and tensor, not a TypeError', async () => {
    const file = safetensorsFile('int.safetensors', { 'a.weight': { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, 8);
    const opened = await openSafetensors(file);
    try {
      assert.throws(() => opened.readSync('a.weight'), isUserFacing(/int\.safetensors: tensor "a\.weight" is I32/));
      await assert.rejects(opened.read('a.weight'), isUserFacing(/int\.safetensors: tensor "a\.weight" is I32/));
    } finally {
      await opened.close();
    }
  });

  test("an external-data entry that lies is reported with the model file's name", async () => {
    const g = new GraphBuilder({ graphName: 'lie' });
    const w = g.initializer('w', 'float32', [512], new Float32Array(512));
    g.output(w, 'y', 'float32', [512]);
    const modelFile = path.join(folder, 'model.onnx');
    await writeModel(g.build(), modelFile, { externalData: 'model.onnx_data' });
    const model = parseModel(readFileSync(modelFile));
    const tensor = model.graph.initializer[0]!;
    tensor.externalData = tensor.externalData!.map((entry) => (entry.key === 'offset' ? { ...entry, value: 'x' } : entry));
    const lying = path.join(folder, 'lying.onnx');
    writeFileSync(lying, serializeModel(model));
    await assert.rejects(readModel(lying, { externalData: 'load' }), isUserFacing(/lying\.onnx: tensor 'w': external_data offset 'x'/));
  });

  test('a PNG declaring zero or 2^31 pixels a side is refused before decoding', () => {
    const png = encodeRgbPng(new Uint8Array(4 * 3 * 3), 4, 3, {});
    for (const [width, height] of [[4, 0], [65535, 65535]] as const) {
      const bytes = png.slice();
      new DataView(bytes.buffer).setUint32(16, width);
      new DataView(bytes.buffer).setUint32(20, height);
      assert.throws(() => decodePng(bytes), isUserFacing(new RegExp(`IHDR chunk \\(byte 16\\) declares ${width}×${height} pixels`)));
    }
  });

  test("a PNG whose chunk length lies names the file, the chunk and its offset in the editor's message", () => {
    const bytes = encodeRgbPng(new Uint8Array(4 * 3 * 3), 4, 3, { workflow: '{}' });
    new DataView(bytes.buffer).setUint32(33, 0xfffffff0);
    assert.throws(() => workflowJsonFromBytes('photo.png', bytes), isUserFacing(/^photo\.png: .*chunk at byte 33 declares 4294967280 bytes/));
  });
});

describe('output files: bugs the run fuzzer found', () => {
  test('a filename prefix too long for a file name is a UserFacingError on filename_prefix, not ENAMETOOLONG', async () => {
    const prefix = 'a, '.repeat(120);
    await assert.rejects(writeOutputFile(folder, prefix, 'png', 'x'), (error: unknown) => error instanceof UserFacingError && error.field === 'filename_prefix' && /359 bytes long/.test(error.message));
    await assert.rejects(writeOutputFile(folder, `ok/${'é'.repeat(101)}`, 'png', 'x'), (error: unknown) => error instanceof UserFacingError && /202 bytes long/.test(error.message));
    assert.equal((await writeOutputFile(folder, 'b'.repeat(200), 'png', 'x')).filename, `${'b'.repeat(200)}_00001_.png`);
  });
});
