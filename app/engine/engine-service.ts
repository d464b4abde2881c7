/**
 * The engine behind the channel map: loads, validates and queues workflows and answers queries.
 * Transport-free, so the worker, tests and any future host drive the same object.
 */
import {
  engineRequests,
  type EngineEvent,
  type Issue,
  type RequestName,
  type ParsedRequestParams,
  type RequestResult,
} from '../protocol/index.js';
import { withComfyNames } from './comfyui/comfy-names.js';
import { JobQueue } from './job-queue.js';
import type { NodeRegistry } from './node-registry.js';
import { planFor, validatePrompt, type ExecutionPlan } from './validate-prompt.js';
import { tmpdir } from 'node:os';
import { isPromptLink, type ScheduleTable } from '../protocol/index.js';
import { exportComfyUiWorkflow } from './comfyui/export-ui.js';
import { loadWorkflow } from './workflow-load.js';
import { flattenWorkflow, workflowToPrompt } from './workflow-to-prompt.js';
import { inComfyUiTerms } from './comfyui/comfy-origin.js';
import { detectComfyUiFormat } from './comfyui/detect-format.js';
import type { ModelInfo, Prompt, WidgetOverride, Workflow } from '../protocol/index.js';
import { applyOverrides } from './widget-overrides.js';
import { withTextReplacements } from './widget-text-replacement.js';

type Handlers = { [N in RequestName]: (params: ParsedRequestParams<N>) => RequestResult<N> | Promise<RequestResult<N>> };

/**
 * What the engine cannot know itself (it knows nothing of models): turning a MODEL value into its
 * per-step dilation table. The worker's composition root supplies it.
 */
export type ModelScheduleTable = (model: unknown, steps: number) => Promise<Omit<ScheduleTable, 'nodeId' | 'steps'>>;

/** The models LoadCheckpoint can name, listed afresh (the engine itself knows nothing of models). */
export type ModelCatalog = () => ModelInfo[];

export interface PreparedRun {
  workflow: Workflow;
  prompt: Prompt;
  plan: ExecutionPlan;
}

export class EngineService {
  readonly #queue: JobQueue;
  readonly #handlers: Handlers;

  constructor(
    private readonly registry: NodeRegistry,
    emit: (event: EngineEvent) => void,
    private readonly modelScheduleTable?: ModelScheduleTable,
    private readonly modelCatalog: ModelCatalog = () => [],
  ) {
    this.#queue = new JobQueue(registry, emit);
    this.#handlers = {
      enqueue: ({ workflow, options, overrides, editorWorkflow }) => {
        const prepared = this.prepare(workflow, overrides);
        if (!prepared.ok) return prepared;
        const shown = editorWorkflow === undefined ? undefined : loadWorkflow(editorWorkflow, this.registry);
        const queued = this.#queue.enqueue(
          {
            ...prepared.run,
            ...(shown?.ok ? { editorWorkflow: shown.workflow } : {}),
            outputDir: options.outputDir,
            executionProvider: options.executionProvider,
            ...(options.label ? { label: options.label } : {}),
          },
          { front: options.front === true },
        );
        return { ok: true, ...queued };
      },
      validate: ({ workflow, overrides }) => {
        const prepared = this.prepare(workflow, overrides);
        return { issues: prepared.ok ? [] : prepared.issues };
      },
      loadWorkflow: ({ workflow }) => {
        const loaded = loadWorkflow(workflow, this.registry);
        return loaded.ok ? { ok: true, workflow: loaded.workflow, notes: loaded.notes, unknownTypes: loaded.unknownTypes } : loaded;
      },
      exportComfyUi: ({ workflow }) => {
        const loaded = loadWorkflow(workflow, this.registry);
        if (!loaded.ok) return loaded;
        const exported = exportComfyUiWorkflow(loaded.workflow, this.registry);
        return { ok: true, workflow: { ...exported.comfy }, notes: exported.notes };
      },
      cancel: ({ jobId }) => ({ cancelled: this.#queue.cancel(jobId) }),
      queue: () => this.#queue.snapshot(),
      history: ({ limit }) => this.#queue.history(limit),
      nodeSchemas: () => withComfyNames(this.registry.schemas()),
      models: () => ({ checkpoints: this.modelCatalog() }),
      scheduleTable: (params) => this.#scheduleTable(params),
    };
  }

  /** Validates the parameters against the channel map before dispatching: callers may be anything. */
  handle(name: RequestName, params: unknown): unknown {
    const checked = engineRequests[name].params.safeParse(params);
    if (!checked.success) throw new Error(`bad parameters for "${name}": ${checked.error.message}`);
    return (this.#handlers[name] as (p: unknown) => unknown)(checked.data);
  }

  prepare(json: unknown, overrides: readonly WidgetOverride[] = []): { ok: true; run: PreparedRun } | { ok: false; issues: Issue[] } {
    const loaded = loadWorkflow(json, this.registry);
    if (!loaded.ok) return loaded;
    const overridden = applyOverrides(loaded.workflow, overrides);
    if (!overridden.ok) return overridden;
    const flat = flattenWorkflow(overridden.workflow, this.registry);
    const { sources } = flat;
    // ComfyUI's frontend replaces `%date:…%` and `%Node.widget%` (file names, flagged primitives) as it builds the prompt; an API prompt comes built.
    const prompt = detectComfyUiFormat(json) === 'api' ? flat.prompt : withTextReplacements(flat, this.registry, new Date());
    const validated = validatePrompt(prompt, this.registry);
    if (!validated.ok) {
      // A ComfyUI file's problems are named as the file names them: ComfyUI classes and inputs.
      return { ok: false, issues: detectComfyUiFormat(json) ? inComfyUiTerms(validated.issues, sources) : validated.issues };
    }
    return { ok: true, run: { workflow: overridden.workflow, prompt, plan: validated.plan } };
  }

  async #scheduleTable({ workflow, nodeId, steps, executionProvider }: ParsedRequestParams<'scheduleTable'>): Promise<RequestResult<'scheduleTable'>> {
    const loaded = loadWorkflow(workflow, this.registry);
    if (!loaded.ok) return loaded;
    const prompt = workflowToPrompt(loaded.workflow, this.registry);
    const node = prompt[nodeId];
    const outputs = node ? this.registry.get(node.class_type)?.schema.outputs : undefined;
    if (!node || outputs?.[0]?.type !== 'MODEL' || !this.modelScheduleTable) {
      return { ok: false, issues: [{ code: 'invalid_value', nodeId, message: `node ${nodeId} does not output a MODEL (or is muted), so it has no dilation schedule` }] };
    }
    const planned = planFor(prompt, this.registry, [nodeId]);
    if (!planned.ok) return planned;
    const outcome = await this.#queue.probe({ prompt, workflow: loaded.workflow, plan: planned.plan, outputDir: tmpdir(), executionProvider });
    const model = outcome.outputsOf(nodeId)?.[0];
    if (outcome.status !== 'success' || model === undefined) {
      const failure = outcome.failure;
      return { ok: false, issues: [{ code: 'execution_failed', message: failure?.message ?? 'the schedule could not be computed', ...(failure ? { nodeId: failure.nodeId, nodeType: failure.nodeType } : {}), ...(failure?.field ? { field: failure.field } : {}) }] };
    }
    const stepCount = steps ?? samplerSteps(prompt, nodeId) ?? DEFAULT_SCHEDULE_STEPS;
    return { ok: true, table: { nodeId, steps: stepCount, ...(await this.modelScheduleTable(model, stepCount)) } };
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }
}

/** The reference's step count, when no Sampler downstream says otherwise. */
const DEFAULT_SCHEDULE_STEPS = 50;

/** The `steps` of the first Sampler-like node (one with a literal `steps` and a MODEL input) downstream of `nodeId`. */
function samplerSteps(prompt: Prompt, nodeId: string): number | undefined {
  const queue = [nodeId];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [id, node] of Object.entries(prompt)) {
      const fed = Object.values(node.inputs).some((value) => isPromptLink(value) && value[0] === current);
      if (!fed || seen.has(id)) continue;
      if (typeof node.inputs.steps === 'number' && isPromptLink(node.inputs.model)) return node.inputs.steps;
      seen.add(id);
      queue.push(id);
    }
  }
  return undefined;
}
