/**
 * Events the engine emits while it works a job, in the order a job produces them:
 * queued → started → cached → (executing → progress* → output?)* → done | error | cancelled.
 */
import { z } from 'zod';
import { issueSchema } from './issues.js';

/** A small preview image (a latent approximated in RGB, a decoded frame…) as base64 PNG. */
export const previewImageSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  pngBase64: z.string(),
});
export type PreviewImage = z.infer<typeof previewImageSchema>;

/** What an output node shows in the UI: images written, text produced… JSON only. */
export const uiPayloadSchema = z.record(z.string(), z.unknown());
export type UiPayload = z.infer<typeof uiPayloadSchema>;

/** A node failure as plain data: safe to send through postMessage, IPC and JSON. */
export const nodeFailureSchema = z.object({
  nodeId: z.string(),
  nodeType: z.string(),
  message: z.string(),
  field: z.string().optional(),
  hint: z.string().optional(),
  /** The underlying error's message and stack, for the details pane. */
  cause: z.string().optional(),
});
export type NodeFailure = z.infer<typeof nodeFailureSchema>;

const job = { jobId: z.string() };
export const engineEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('queued'), ...job, position: z.number().int().nonnegative() }),
  z.object({ type: z.literal('started'), ...job, nodes: z.array(z.string()) }),
  z.object({ type: z.literal('cached'), ...job, nodes: z.array(z.string()) }),
  z.object({ type: z.literal('executing'), ...job, nodeId: z.string(), nodeType: z.string() }),
  z.object({
    type: z.literal('progress'),
    ...job,
    nodeId: z.string(),
    value: z.number(),
    max: z.number(),
    preview: previewImageSchema.optional(),
  }),
  z.object({ type: z.literal('output'), ...job, nodeId: z.string(), ui: uiPayloadSchema }),
  /** Something a node wants the user to know (which device ran it, a truncated prompt…). */
  z.object({ type: z.literal('message'), ...job, nodeId: z.string(), level: z.enum(['info', 'warning']), text: z.string() }),
  z.object({ type: z.literal('error'), ...job, failure: nodeFailureSchema }),
  z.object({ type: z.literal('invalid'), ...job, issues: z.array(issueSchema) }),
  z.object({
    type: z.literal('done'),
    ...job,
    durationMs: z.number(),
    /** The engine process's resident memory high-water mark during the job (host memory; GPU memory is not visible to ONNX Runtime's API). */
    peakMemoryMiB: z.number().optional(),
  }),
  z.object({ type: z.literal('cancelled'), ...job }),
]);
export type EngineEvent = z.infer<typeof engineEventSchema>;
export type EngineEventType = EngineEvent['type'];
