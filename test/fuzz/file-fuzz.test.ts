/**
 * Fuzzes the file loaders with malformed files (test/fuzz/file-mutations.ts) written to disk: the
 * safetensors reader (open, then every tensor read), ONNX readModel (external data loaded) and the
 * two PNG readers (LoadImage's decode, the editor's workflow-from-PNG). Properties: nothing but a
 * UserFacingError is thrown, and its message names the file and where in it (a key, an offset, a
 * chunk). Seeded: a failure replays.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { add } from '../../app/onnx/ops.js';
import { parseModel, readModel, serializeModel, writeModel } from '../../app/onnx/model-io.js';
import { encodeRgbPng } from '../../app/imaging/png-metadata.js';
import { openSafetensors } from '../../app/models/weights/index.js';
import { writeSafetensors } from '../../app/models/weights/safetensors-writer.js';
import type { NodeContext } from '../../app/engine/node-definition.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { loadImage } from '../../nodes/load-image.js';
import { workflowJsonFromBytes } from '../../renderer/src/workflow/workflow-source.js';
import { FuzzTally, fuzzSeed } from './fuzz-tally.js';
import { EXTERNAL_DATA_LIES, onnxCases, pngCases, safetensorsCases, type FileCase } from './file-mutations.js';

const FUZZ_SEED = fuzzSeed(0xf11e5);
const folder = mkdtempSync(path.join(tmpdir(), 'file-fuzz-'));
const firstLine = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 240);

/**
 * Runs `load` on one damaged file and records how it went; a failure is anything thrown that is not
 * a UserFacingError naming the file (`fileName`) and matching `where` (a key, offset or chunk).
 */
async function check(tally: FuzzTally, failures: string[], label: string, fileName: string, where: RegExp, load: () => Promise<unknown>): Promise<void> {
  try {
    await load();
    tally.count(label, 'loaded');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const defect = !(error instanceof UserFacingError)
      ? `threw ${firstLine(error)}`
      : !message.includes(fileName)
        ? `does not name the file: ${firstLine(error)}`
        : !where.test(message)
          ? `does not say where in the file: ${firstLine(error)}`
          : undefined;
    if (defect) failures.push(`${label}: ${defect}`);
    tally.count(label, error instanceof UserFacingError ? `rejected${error.code ? `:${error.code}` : ''}` : 'CRASH');
  }
}

function writeCase(kind: string, index: number, bytes: Uint8Array, extension: string): string {
  const file = path.join(folder, `${kind}-${index}.${extension}`);
  writeFileSync(file, bytes);
  return file;
}

async function readEverySafetensor(file: string): Promise<void> {
  const opened = await openSafetensors(file);
  try {
    for (const name of opened.tensorNames()) {
      opened.readSync(name);
      await opened.read(name);
    }
  } finally {
    await opened.close();
  }
}

function tinyOnnxModel() {
  const g = new GraphBuilder({ graphName: 'fuzz' });
  const x = g.input('x', 'float32', [1, 512]);
  const w = g.initializer('w', 'float32', [1, 512], new Float32Array(512).fill(0.5));
  g.output(add(g, x, w), 'y', 'float32', [1, 512]);
  return g.build();
}

const context: NodeContext = {
  jobId: 'fuzz',
  nodeId: '1',
  signal: new AbortController().signal,
  outputDir: folder,
  executionProvider: 'cpu',
  embeddedWorkflow: () => ({}),
  progress: () => undefined,
  message: () => undefined,
};

describe('fuzzing the file loaders', () => {
  const tally = new FuzzTally();
  const failures: string[] = [];
  let safetensorsSeed: Uint8Array;
  let onnxSeed: Uint8Array;

  after(() => rmSync(folder, { recursive: true, force: true }));

  before(async () => {
    const seedFile = path.join(folder, 'seed.safetensors');
    await writeSafetensors(seedFile, {
      'a.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
      'b.bias': { dtype: 'F16', shape: [4], data: Float32Array.of(1, -1, 0.5, 2) },
      empty: { dtype: 'F32', shape: [0], data: new Float32Array(0) },
    }, { format: 'pt' });
    safetensorsSeed = readFileSync(seedFile);
    onnxSeed = serializeModel(tinyOnnxModel());
  });

  test('120 malformed safetensors files', { timeout: 30_000 }, async () => {
    const cases = fc.sample(safetensorsCases(safetensorsSeed), { seed: FUZZ_SEED, numRuns: 120 });
    for (const [index, { kind, bytes }] of cases.entries()) {
      const file = writeCase(kind, index, bytes, 'safetensors');
      await check(tally, failures, `safetensors ${kind}`, file, /tensor "|header|data_offsets|__metadata__|\bbytes?\b/, () => readEverySafetensor(file));
    }
  });

  test('50 malformed ONNX models and 10 lying external-data entries', { timeout: 30_000 }, async () => {
    const cases: FileCase[] = fc.sample(onnxCases(onnxSeed), { seed: FUZZ_SEED, numRuns: 50 });
    for (const [index, { kind, bytes }] of cases.entries()) {
      const file = writeCase(kind, index, bytes, 'onnx');
      await check(tally, failures, `onnx ${kind}`, file, /field|offset|index|length|ir_version|graph|opset|wire type|bytes/, () => readModel(file, { externalData: 'load' }));
    }
    const modelFolder = path.join(folder, 'external');
    mkdirSync(modelFolder);
    const modelFile = path.join(modelFolder, 'model.onnx');
    await writeModel(tinyOnnxModel(), modelFile, { externalData: 'model.onnx_data' });
    const stored = parseModel(readFileSync(modelFile));
    for (const [index, lie] of EXTERNAL_DATA_LIES.entries()) {
      const model = structuredClone(stored);
      const tensor = model.graph.initializer.find((candidate) => candidate.externalData)!;
      tensor.externalData = tensor.externalData!.map((entry) => ({ ...entry, value: lie[entry.key ?? ''] ?? entry.value }));
      const file = path.join(modelFolder, `lie-${index}.onnx`);
      writeFileSync(file, serializeModel(model));
      await check(tally, failures, 'onnx lying-external-data', file, /tensor 'w'.*(offset|length|location|bytes)|external data file .*(bytes \[|cannot be opened)/, () => readModel(file, { externalData: 'load' }));
    }
  });

  test('60 malformed PNGs, each through LoadImage and the editor', { timeout: 30_000 }, async () => {
    const seed = encodeRgbPng(new Uint8Array(4 * 3 * 3).fill(200), 4, 3, { workflow: '{"nodes":[]}' });
    const cases = fc.sample(pngCases(seed), { seed: FUZZ_SEED, numRuns: 60 });
    for (const [index, { kind, bytes }] of cases.entries()) {
      const file = writeCase(kind, index, bytes, 'png');
      await check(tally, failures, `png ${kind} (LoadImage)`, file, /PNG|chunk|byte|IHDR|IDAT|signature/i, () => Promise.resolve(loadImage.execute({ image: file }, context)));
      const name = path.basename(file);
      await check(tally, failures, `png ${kind} (editor)`, name, /PNG|chunk|byte|JSON|workflow/i, () => Promise.resolve(workflowJsonFromBytes(name, bytes)));
    }
  });

  test('no loader crashed or hid where a file is damaged', () => {
    tally.print(`file fuzz, seed ${FUZZ_SEED} (loader and damage, cases, outcome)`);
    assert.ok(tally.total() >= 200);
    assert.deepEqual(failures, []);
  });
});
