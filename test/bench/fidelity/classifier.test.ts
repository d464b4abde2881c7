import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { featureSize, FidelityClassifier, parseClassifierConfig } from '../../../bench/fidelity/classifier.js';
import { upscaleNearest, type RgbImage } from '../../../bench/fidelity/image-ops.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const MODEL_FOLDER = fileURLToPath(new URL('../../../models/fidelity-classifier', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../fixtures/fidelity-classifier-parity.json', import.meta.url));
// The fixture is PyTorch in float64, so this bounds ONNX Runtime's float32 rounding alone: measured
// 6.9e-6 on features and 2.7e-5 on logits (whose values reach ±21), on a 2-core AMD EPYC.
const TOLERANCE = 1e-4;

interface ParityFixture {
  weights_sha256: string;
  images: Array<{ index: number; source: string; category: string; width: number; height: number; rgb_base64: string }>;
  features: number[][];
  logits: number[][];
}

function maxAbsDifference(actual: readonly Float32Array[], expected: readonly number[][]): number {
  assert.equal(actual.length, expected.length, 'row count');
  let max = 0;
  actual.forEach((row, r) => {
    assert.equal(row.length, expected[r]!.length, `row ${r} length`);
    row.forEach((value, c) => (max = Math.max(max, Math.abs(value - expected[r]![c]!))));
  });
  return max;
}

describe('FidelityClassifier (ONNX graph from models/fidelity-classifier)', () => {
  let classifier: FidelityClassifier;
  let fixture: ParityFixture;
  let images: RgbImage[];

  before(async () => {
    fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as ParityFixture;
    images = fixture.images.map((image) => ({ width: image.width, height: image.height, data: new Uint8Array(Buffer.from(image.rgb_base64, 'base64')) }));
    classifier = await FidelityClassifier.open(MODEL_FOLDER);
  });
  after(() => classifier.release());

  test('the parity fixture was made from the committed weights', async () => {
    const sha256 = createHash('sha256').update(await readFile(path.join(MODEL_FOLDER, 'model.safetensors'))).digest('hex');
    assert.equal(sha256, fixture.weights_sha256, 'weights changed since the fixture was written: re-run tools/train/classifier_parity.py');
  });

  test(`features and logits match PyTorch on held-out training images within ${TOLERANCE}`, async () => {
    const outputs = await classifier.embed(images);
    const features = maxAbsDifference(outputs.features, fixture.features);
    const logits = maxAbsDifference(outputs.logits, fixture.logits);
    assert.ok(features <= TOLERANCE, `features differ by ${features}`);
    assert.ok(logits <= TOLERANCE, `logits differ by ${logits}`);
  });

  test('one feature vector of the last stage width and one score per source × category class per image', async () => {
    const { features, logits } = await classifier.embed(images);
    const { config } = classifier;
    assert.equal(featureSize(config), 128);
    const sources = new Set(config.classes.map((c) => c.source));
    const categories = new Set(config.classes.map((c) => c.category));
    assert.deepEqual([...sources], ['twemoji', 'noto']);
    assert.equal(config.classes.length, sources.size * categories.size);
    assert.ok(features.every((row) => row.length === featureSize(config)));
    assert.ok(logits.every((row) => row.length === config.classes.length));
    // Features follow a ReLU and an average: never negative.
    assert.ok(features.every((row) => row.every((value) => value >= 0)));
  });

  test('a 64² image is area-resampled to 32² first: a 2× nearest enlargement scores exactly as the original', async () => {
    const small = await classifier.embed(images);
    const large = await classifier.embed(images.map((image) => upscaleNearest(image, 2)));
    assert.deepEqual(large.features, small.features);
    assert.deepEqual(large.logits, small.logits);
  });

  test('results do not depend on how many images share a run (300 images span two ORT calls)', async () => {
    const alone = await classifier.embed(images);
    const many = await classifier.embed(Array.from({ length: 300 }, (_, i) => images[i % images.length]!));
    assert.equal(many.features.length, 300);
    for (const index of [0, 255, 256, 299]) {
      assert.ok(maxAbsDifference([many.features[index]!], [Array.from(alone.features[index % images.length]!)]) <= 1e-6, `image ${index}`);
    }
  });

  test('no images give no rows', async () => {
    assert.deepEqual(await classifier.embed([]), { features: [], logits: [] });
  });

  test('a malformed image is refused with its position', async () => {
    const short: RgbImage = { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3 - 1) };
    await assert.rejects(classifier.embed([images[0]!, short]), (error: unknown) => error instanceof UserFacingError && error.field === 'FidelityClassifier.embed.images[1]');
    const empty: RgbImage = { width: 0, height: 32, data: new Uint8Array(0) };
    await assert.rejects(classifier.embed([empty]), /images\[0\]: width and height must be positive/);
  });
});

describe('classifier config and weights', () => {
  const valid = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(path.join(MODEL_FOLDER, 'config.json'), 'utf8')) as Record<string, unknown>;

  test('a config key of the wrong kind is named', async () => {
    const config = await valid();
    assert.throws(() => parseClassifierConfig({ ...config, norm_num_groups: 7 }, 'config.json'), (error: unknown) => error instanceof UserFacingError && error.field === 'config.json: norm_num_groups');
    assert.throws(() => parseClassifierConfig({ ...config, block_out_channels: [32, 'x'] }, 'config.json'), /config\.json: block_out_channels\.1/);
    assert.throws(() => parseClassifierConfig({ ...config, classes: [] }, 'config.json'), /config\.json: classes/);
  });

  test('weights that do not fit the config name the first tensor that differs', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'fidelity-classifier-'));
    try {
      await copyFile(path.join(MODEL_FOLDER, 'model.safetensors'), path.join(folder, 'model.safetensors'));
      await writeFile(path.join(folder, 'config.json'), JSON.stringify({ ...(await valid()), block_out_channels: [32, 64, 96] }));
      await assert.rejects(FidelityClassifier.open(folder), (error: unknown) => error instanceof UserFacingError && error.message.includes('"stages.2.layers.0.conv.weight"'));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
