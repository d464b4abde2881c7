import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CACHE_DIR_ENV,
  defaultCacheDir,
  DISPERSION_CACHE_FILE,
  dispersionCacheKey,
  loadDispersionTransform,
} from '../../app/scalecrafter/dispersion-cache.js';
import { computeDispersionTransform, DEFAULT_DISPERSION_PARAMS } from '../../app/scalecrafter/dispersion-transform.js';

describe('dispersion transform cache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scalecrafter-cache-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const cacheFile = () => join(dir, DISPERSION_CACHE_FILE);
  const readJson = async () => JSON.parse(await readFile(cacheFile(), 'utf8'));

  test('computes, stores and returns R bit-identical to a fresh solve', async () => {
    const loaded = await loadDispersionTransform(DEFAULT_DISPERSION_PARAMS, dir);
    assert.deepEqual(loaded.matrix, computeDispersionTransform(DEFAULT_DISPERSION_PARAMS).matrix);
    const stored = await readJson();
    assert.deepEqual(Object.keys(stored.transforms), ['k3-K5-s2-eta0.05']);
    assert.equal(stored.transforms['k3-K5-s2-eta0.05'].matrix.length, 225);
  });

  test('reads a stored transform instead of solving again', async () => {
    const stored = await readJson();
    const key = dispersionCacheKey(DEFAULT_DISPERSION_PARAMS);
    stored.transforms[key].matrix[0] = 123.5; // a value no solve produces: proves the file was read
    await writeFile(cacheFile(), JSON.stringify(stored));
    const loaded = await loadDispersionTransform(DEFAULT_DISPERSION_PARAMS, dir);
    assert.equal(loaded.matrix[0], 123.5);
  });

  test('keeps transforms for other parameters side by side', async () => {
    const params = { ...DEFAULT_DISPERSION_PARAMS, eta: 0.1 };
    await loadDispersionTransform(params, dir);
    assert.deepEqual(Object.keys((await readJson()).transforms).sort(), ['k3-K5-s2-eta0.05', 'k3-K5-s2-eta0.1']);
  });

  test('rebuilds a corrupt or mis-shaped cache instead of failing', async () => {
    await writeFile(cacheFile(), '{"version": 1, "transforms": {"k3-K5-s2-eta0.05": {"rows"');
    const fresh = computeDispersionTransform(DEFAULT_DISPERSION_PARAMS).matrix;
    assert.deepEqual((await loadDispersionTransform(DEFAULT_DISPERSION_PARAMS, dir)).matrix, fresh);
    const stored = await readJson();
    stored.transforms['k3-K5-s2-eta0.05'].matrix = [1, 2, 3];
    await writeFile(cacheFile(), JSON.stringify(stored));
    assert.deepEqual((await loadDispersionTransform(DEFAULT_DISPERSION_PARAMS, dir)).matrix, fresh);
  });

  test('creates a missing cache directory', async () => {
    const nested = join(dir, 'a', 'b');
    await loadDispersionTransform(DEFAULT_DISPERSION_PARAMS, nested);
    assert.ok((await readFile(join(nested, DISPERSION_CACHE_FILE), 'utf8')).length > 0);
  });
});

describe('defaultCacheDir', () => {
  test('uses the environment override, else ~/.cache/scalecrafter-studio', () => {
    assert.equal(defaultCacheDir({ [CACHE_DIR_ENV]: '/tmp/x' }, '/home/u'), '/tmp/x');
    assert.equal(defaultCacheDir({}, '/home/u'), join('/home/u', '.cache', 'scalecrafter-studio'));
    assert.equal(defaultCacheDir({ [CACHE_DIR_ENV]: '' }, '/home/u'), join('/home/u', '.cache', 'scalecrafter-studio'));
  });
});
