/**
 * The editor's render farm, between the page and the local server (app/server/farm-routes.ts):
 * submitting the canvas's workflow with a sweep to a farm's Redis, and the batch's progress as it
 * streams back. The sweep travels as plain JSON: the server reads it as `scalecrafter batch` reads
 * a sweep file (app/farm/sweep.ts), so the editor and the CLI accept exactly the same sweeps.
 */
import { z } from 'zod';
import { widgetOverrideSchema } from './channels.js';

export const FARM_API = {
  /** POST farmSubmitParams → farmSubmitResult. */
  submit: 'api/farm/submit',
  /** GET: server-sent events, each a farmBatchView. */
  events: (batchId: string) => `api/farm/batches/${encodeURIComponent(batchId)}/events`,
  /** GET: one of the batch's published outputs. */
  file: (batchId: string, name: string) => `api/farm/batches/${encodeURIComponent(batchId)}/files/${encodeURIComponent(name)}`,
} as const;

export const farmSubmitParamsSchema = z.object({
  workflow: z.unknown(),
  /** {"seeds": [...], "sizes": ["WxH"], "set": {"NODE_ID.FIELD": [values…]}} */
  sweep: z.unknown(),
  redisUrl: z.string().min(1),
  /** The shared output folder; a relative one is inside the server's output folder. */
  outputDir: z.string().min(1),
  queue: z.string().regex(/^[\w.-]+$/).optional(),
});
export type FarmSubmitParams = z.input<typeof farmSubmitParamsSchema>;
export type ParsedFarmSubmitParams = z.output<typeof farmSubmitParamsSchema>;

export const farmSubmitResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), batchId: z.string(), jobs: z.number().int().nonnegative(), outputDir: z.string() }),
  z.object({ ok: z.literal(false), message: z.string(), hint: z.string().optional(), field: z.string().optional() }),
]);
export type FarmSubmitResult = z.infer<typeof farmSubmitResultSchema>;

export const FARM_JOB_STATES = ['waiting', 'active', 'retrying', 'done', 'failed'] as const;
export type FarmJobState = (typeof FARM_JOB_STATES)[number];

/** Where a failure points in the workflow, when its message names a node or field. */
export const farmFailureSchema = z.object({ message: z.string(), nodeId: z.string().optional(), field: z.string().optional() });
export type FarmFailure = z.infer<typeof farmFailureSchema>;

export const farmJobViewSchema = z.object({
  name: z.string(),
  /** What this combination sets. */
  overrides: z.array(widgetOverrideSchema),
  state: z.enum(FARM_JOB_STATES),
  /** 0–100 while active. */
  progress: z.number(),
  worker: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  /** Published file names, relative to the batch's output folder. */
  files: z.array(z.string()),
  /** The outputs were there already: nothing ran. */
  skipped: z.boolean(),
  durationMs: z.number().optional(),
  failure: farmFailureSchema.optional(),
  /** Why a waiting job is not taken: no live worker serves its models (which worker lacks what). */
  waitingFor: z.string().optional(),
});
export type FarmJobView = z.infer<typeof farmJobViewSchema>;

export const farmWorkerViewSchema = z.object({
  worker: z.string(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Jobs this worker finished per minute of the batch so far. */
  jobsPerMinute: z.number(),
  /** Mean render time of its finished jobs. */
  secondsPerJob: z.number().optional(),
});
export type FarmWorkerView = z.infer<typeof farmWorkerViewSchema>;

export const farmBatchViewSchema = z.object({
  batchId: z.string(),
  outputDir: z.string(),
  queue: z.string(),
  submittedAt: z.number(),
  jobs: z.array(farmJobViewSchema),
  workers: z.array(farmWorkerViewSchema),
  /** Every job is done or failed for good. */
  finished: z.boolean(),
  /** The server lost Redis (it keeps trying); the view is as last seen. */
  connectionProblem: z.string().optional(),
});
export type FarmBatchView = z.infer<typeof farmBatchViewSchema>;

/** Finds "node 5 (Sampler), field "steps"" (formatIssue's wording) in a failure message. */
export function farmFailureOf(message: string): FarmFailure {
  const node = /\bnode (\S+?)(?: \(|,|:)/.exec(message)?.[1];
  const field = /\bfield "([^"]+)"/.exec(message)?.[1];
  return { message, ...(node ? { nodeId: node } : {}), ...(field ? { field } : {}) };
}
