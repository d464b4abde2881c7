/**
 * What travels in a farm job: everything a worker needs to render it without the coordinator's
 * files — the workflow with the sweep's values already set, and the models by content hash.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { widgetOverrideSchema } from '../protocol/index.js';

/** BullMQ's queue; several farms can share one Redis under different names (`--queue`). */
export const DEFAULT_QUEUE_NAME = 'scalecrafter';

export const farmJobDataSchema = z.object({
  batchId: z.string().min(1),
  /** The output file's stem in the shared folder: `<name>.png` (or `<name>_<k>.png` for several images). */
  name: z.string().regex(/^[\w.-]+$/),
  /** The loaded workflow (ours, current version) after the overrides: embedded in the PNGs as it is. */
  workflow: z.unknown(),
  overrides: z.array(widgetOverrideSchema),
  models: z.array(z.object({ name: z.string(), fingerprint: z.string() })),
  /** The shared output folder as the coordinator sees it (a worker's `--out` says where it is mounted there), or s3://BUCKET/PREFIX. */
  outputDir: z.string().min(1),
});
export type FarmJobData = z.infer<typeof farmJobDataSchema>;

export const farmJobResultSchema = z.object({
  worker: z.string(),
  /** The worker's `--device` (the engine falls back from it when that provider is missing). */
  device: z.string().optional(),
  /** Paths relative to the output folder. */
  files: z.array(z.string()),
  /** The outputs were there already (a retry after the files were written): nothing ran. */
  skipped: z.boolean(),
  durationMs: z.number().nonnegative(),
});
export type FarmJobResult = z.infer<typeof farmJobResultSchema>;

/** The same workflow and sweep give the same batch id, so submitting a batch twice adds nothing. */
export function batchIdFor(workflow: unknown, sweep: unknown): string {
  return `b${createHash('sha256').update(JSON.stringify([workflow, sweep])).digest('hex').slice(0, 12)}`;
}

export function jobNameFor(batchId: string, index: number): string {
  return `${batchId}-${String(index).padStart(4, '0')}`;
}
