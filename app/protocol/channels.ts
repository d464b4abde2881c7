/**
 * The one typed channel map between a host (Electron main, the HTTP server, the CLI) and the engine
 * worker. Every request is declared once with a runtime schema for its parameters, and the receiver
 * checks what arrives: a compile-time type is no protection at a process boundary.
 */
import { z } from 'zod';
import { engineEventSchema, nodeFailureSchema, uiPayloadSchema } from './events.js';
import { issueSchema } from './issues.js';
import { nodeSchemaSchema } from './node-schema.js';
import { promptSchema } from './prompt.js';
import { workflowSchema } from './workflow.js';

/** `auto` tries CUDA, DirectML, CoreML, WebGPU, then the CPU. */
export const EXECUTION_PROVIDER_PREFERENCES = ['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ExecutionProviderPreference = (typeof EXECUTION_PROVIDER_PREFERENCES)[number];

export const runOptionsSchema = z.object({
  /** Where output nodes write files; hosts choose it, a workflow cannot. */
  outputDir: z.string().min(1),
  /** Free-form label shown in the queue view (the file name, say). */
  label: z.string().optional(),
  /** Preferred execution provider; the engine falls back to the next available one and says so. */
  executionProvider: z.enum(EXECUTION_PROVIDER_PREFERENCES).default('auto'),
  /** Run before every pending job (ComfyUI's "Queue front"); the running job is not interrupted. */
  front: z.boolean().optional(),
});
export type RunOptions = z.input<typeof runOptionsSchema>;

/** A widget value set from outside the file (the CLI's --set NODE_ID.FIELD=VALUE). */
export const widgetOverrideSchema = z.object({
  nodeId: z.string().min(1),
  field: z.string().min(1),
  value: z.union([z.number(), z.string(), z.boolean()]),
});
export type WidgetOverride = z.infer<typeof widgetOverrideSchema>;

export const jobStatusSchema = z.enum(['success', 'error', 'cancelled']);

export const historyEntrySchema = z.object({
  jobId: z.string(),
  label: z.string().optional(),
  status: jobStatusSchema,
  queuedAt: z.number(),
  startedAt: z.number(),
  finishedAt: z.number(),
  prompt: promptSchema,
  executed: z.array(z.string()),
  cached: z.array(z.string()),
  outputs: z.record(z.string(), uiPayloadSchema),
  failure: nodeFailureSchema.optional(),
  /**
   * The graph the job ran as its editor showed it (enqueue's `editorWorkflow`, else the workflow
   * queued): what "Open" on a finished job opens, from any page, as ComfyUI's history keeps
   * extra_pnginfo.workflow.
   */
  workflow: workflowSchema,
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const queueSnapshotSchema = z.object({
  running: z.object({ jobId: z.string(), label: z.string().optional() }).nullable(),
  pending: z.array(z.object({ jobId: z.string(), label: z.string().optional() })),
});
export type QueueSnapshot = z.infer<typeof queueSnapshotSchema>;

export const enqueueResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), jobId: z.string(), position: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), issues: z.array(issueSchema) }),
]);
export type EnqueueResult = z.infer<typeof enqueueResultSchema>;

/** A file normalised to the current workflow format (ComfyUI files imported), or why it cannot be. */
export const loadWorkflowResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), workflow: workflowSchema, notes: z.array(z.string()), unknownTypes: z.array(z.string()) }),
  z.object({ ok: z.literal(false), issues: z.array(issueSchema) }),
]);
export type LoadWorkflowResult = z.infer<typeof loadWorkflowResultSchema>;

/**
 * A workflow as ComfyUI's UI-format file (schema 0.4), with what ComfyUI's form could not hold. The
 * file is plain JSON to the protocol; its shape is the export's (app/engine/comfyui/export-ui.ts).
 */
export const comfyUiExportResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), workflow: z.record(z.string(), z.unknown()), notes: z.array(z.string()) }),
  z.object({ ok: z.literal(false), issues: z.array(issueSchema) }),
]);
export type ComfyUiExportResult = z.infer<typeof comfyUiExportResultSchema>;

/**
 * The dilation of every re-dilatable conv of a node's UNet at every step, for the guided pass and
 * the ND-CFG base pass (1 = plain conv), as the Sampler will feed it: the schedule editor's heat map
 * and `scalecrafter schedule` show the same table.
 */
export const scheduleTableSchema = z.object({
  nodeId: z.string(),
  steps: z.number().int().positive(),
  convs: z.array(z.string()),
  /** [step][conv] */
  main: z.array(z.array(z.number())),
  /** [step][conv], or null for steps where ND-CFG is not active. */
  noiseDampedBase: z.array(z.array(z.number()).nullable()),
  dispersed: z.array(z.array(z.boolean())),
  /** Module paths the patches name that this UNet does not have. */
  ignored: z.array(z.string()),
});
export type ScheduleTable = z.infer<typeof scheduleTableSchema>;
export const scheduleTableResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), table: scheduleTableSchema }),
  z.object({ ok: z.literal(false), issues: z.array(issueSchema) }),
]);

/** A model LoadCheckpoint can name, and the image size it was trained at (null until the engine can read it). */
export const modelInfoSchema = z.object({
  name: z.string().min(1),
  nativeSize: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).nullable(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const engineRequests = {
  /** Queue a workflow file's contents (any JSON: the engine parses, migrates and validates it). */
  enqueue: {
    params: z.object({
      workflow: z.unknown(),
      options: runOptionsSchema,
      overrides: z.array(widgetOverrideSchema).default([]),
      /**
       * When `workflow` is a prompt made from an editor's graph (ComfyUI's /prompt with
       * extra_data.extra_pnginfo.workflow), that graph: the history keeps it for "Open" when it loads.
       */
      editorWorkflow: z.unknown().optional(),
    }),
    result: enqueueResultSchema,
  },
  /** Check a workflow without running it. */
  validate: {
    params: z.object({ workflow: z.unknown(), overrides: z.array(widgetOverrideSchema).default([]) }),
    result: z.object({ issues: z.array(issueSchema) }),
  },
  /** Parse, migrate or import any workflow JSON for the canvas to open; nothing runs. */
  loadWorkflow: { params: z.object({ workflow: z.unknown() }), result: loadWorkflowResultSchema },
  /** Any workflow JSON (loaded as `loadWorkflow` does) as a ComfyUI workflow file; nothing runs. */
  exportComfyUi: { params: z.object({ workflow: z.unknown() }), result: comfyUiExportResultSchema },
  /** Cancel a pending or running job; false when it already finished or never existed. */
  cancel: { params: z.object({ jobId: z.string() }), result: z.object({ cancelled: z.boolean() }) },
  queue: { params: z.object({}), result: queueSnapshotSchema },
  history: { params: z.object({ limit: z.number().int().positive().optional() }), result: z.array(historyEntrySchema) },
  nodeSchemas: { params: z.object({}), result: z.array(nodeSchemaSchema) },
  /**
   * The models LoadCheckpoint can load now (listed afresh: files added since start-up appear), with
   * each one's training size, which a new Empty Latent Image takes.
   */
  models: { params: z.object({}), result: z.object({ checkpoints: z.array(modelInfoSchema) }) },
  /**
   * The per-step dilation table at a MODEL-producing node (ReDilate, ScaleCrafterPreset, …): runs
   * that node's ancestors (cached like any run) and reads its patches. `steps` defaults to the
   * step count of the Sampler it feeds.
   */
  scheduleTable: {
    params: z.object({
      workflow: z.unknown(),
      nodeId: z.string().min(1),
      steps: z.number().int().positive().max(10000).optional(),
      executionProvider: z.enum(EXECUTION_PROVIDER_PREFERENCES).default('auto'),
    }),
    result: scheduleTableResultSchema,
  },
} as const;

export type EngineRequests = typeof engineRequests;
export type RequestName = keyof EngineRequests;
/** What a caller sends (defaults may be left out)… */
export type RequestParams<N extends RequestName> = z.input<EngineRequests[N]['params']>;
/** …and what the engine's handler receives once the schema has filled the defaults in. */
export type ParsedRequestParams<N extends RequestName> = z.output<EngineRequests[N]['params']>;
export type RequestResult<N extends RequestName> = z.infer<EngineRequests[N]['result']>;

/** Host → worker. */
export const hostMessageSchema = z.object({
  kind: z.literal('request'),
  requestId: z.number().int(),
  name: z.enum(Object.keys(engineRequests) as [RequestName, ...RequestName[]]),
  params: z.unknown(),
});
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** Worker → host: replies to requests, and events. */
export const workerMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('reply'),
    requestId: z.number().int(),
    /** The request's result on success; absent with `error` when the request itself failed. */
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
  z.object({ kind: z.literal('event'), event: engineEventSchema }),
  z.object({ kind: z.literal('ready') }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
