/**
 * Dispersion transforms cached on disk: one small JSON file holding every R computed so far,
 * keyed by (k, K, s, η). Solving is cheap (milliseconds for 3 → 5) but repeats on every run
 * otherwise; the file also lets users inspect the exact R a run used.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  computeDispersionTransform,
  type DispersionTransform,
  type DispersionTransformParams,
} from './dispersion-transform.js';

/** Overrides the cache directory (like XDG_CACHE_HOME, but for this app only). */
export const CACHE_DIR_ENV = 'SCALECRAFTER_CACHE_DIR';
export const DISPERSION_CACHE_FILE = 'dispersion-transforms.json';

/** `$SCALECRAFTER_CACHE_DIR`, else `~/.cache/scalecrafter-studio`. Read at call time, not import. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const override = env[CACHE_DIR_ENV];
  return override !== undefined && override !== '' ? override : join(home, '.cache', 'scalecrafter-studio');
}

const cachedTransformSchema = z.object({
  rows: z.number().int().positive(),
  columns: z.number().int().positive(),
  matrix: z.array(z.number()),
});
const cacheFileSchema = z.object({
  version: z.literal(1),
  transforms: z.record(z.string(), cachedTransformSchema),
});
type CacheFile = z.infer<typeof cacheFileSchema>;

export function dispersionCacheKey(params: DispersionTransformParams): string {
  return `k${params.smallKernelSize}-K${params.largeKernelSize}-s${params.upsampleFactor}-eta${params.eta}`;
}

async function readCache(file: string): Promise<CacheFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, transforms: {} };
    throw error;
  }
  // A cache that is unreadable (truncated, from another version) is rebuilt, never fatal.
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { version: 1, transforms: {} };
  }
  const parsed = cacheFileSchema.safeParse(json);
  return parsed.success ? parsed.data : { version: 1, transforms: {} };
}

async function writeCacheAtomically(dir: string, cache: CacheFile): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, DISPERSION_CACHE_FILE);
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, JSON.stringify(cache));
  await rename(temporary, file);
}

/**
 * The transform for these parameters from the cache in `cacheDir`, computing and storing it when
 * missing. JSON numbers round-trip doubles exactly, so a cached R equals a freshly solved one.
 */
export async function loadDispersionTransform(
  params: DispersionTransformParams,
  cacheDir: string = defaultCacheDir(),
): Promise<DispersionTransform> {
  const cache = await readCache(join(cacheDir, DISPERSION_CACHE_FILE));
  const key = dispersionCacheKey(params);
  const cached = cache.transforms[key];
  const expectedRows = params.largeKernelSize ** 2;
  const expectedColumns = params.smallKernelSize ** 2;
  if (
    cached !== undefined &&
    cached.rows === expectedRows &&
    cached.columns === expectedColumns &&
    cached.matrix.length === expectedRows * expectedColumns
  ) {
    return { params: { ...params }, rows: cached.rows, columns: cached.columns, matrix: Float64Array.from(cached.matrix) };
  }
  const transform = computeDispersionTransform(params);
  const transforms = { ...cache.transforms, [key]: { rows: transform.rows, columns: transform.columns, matrix: [...transform.matrix] } };
  await writeCacheAtomically(cacheDir, { version: 1, transforms });
  return transform;
}
