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
import { JobQueue } from './job-queue.js';
import type { NodeRegistry } from './node-registry.js';
import { validatePrompt, type ExecutionPlan } from './validate-prompt.js';
import { loadWorkflow } from './workflow-load.js';
import { workflowToPrompt } from './workflow-to-prompt.js';
import type { Prompt, WidgetOverride, Workflow } from '../protocol/index.js';
import { applyOverrides } from './widget-overrides.js';

type Handlers = { [N in RequestName]: (params: ParsedRequestParams<N>) => RequestResult<N> };

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
  ) {
    this.#queue = new JobQueue(registry, emit);
    this.#handlers = {
      enqueue: ({ workflow, options, overrides }) => {
        const prepared = this.prepare(workflow, overrides);
        if (!prepared.ok) return prepared;
        const queued = this.#queue.enqueue({
          ...prepared.run,
          outputDir: options.outputDir,
          executionProvider: options.executionProvider,
          ...(options.label ? { label: options.label } : {}),
        });
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
      cancel: ({ jobId }) => ({ cancelled: this.#queue.cancel(jobId) }),
      queue: () => this.#queue.snapshot(),
      history: ({ limit }) => this.#queue.history(limit),
      nodeSchemas: () => this.registry.schemas(),
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
    const prompt = workflowToPrompt(overridden.workflow, this.registry);
    const validated = validatePrompt(prompt, this.registry);
    if (!validated.ok) return validated;
    return { ok: true, run: { workflow: overridden.workflow, prompt, plan: validated.plan } };
  }

  whenIdle(): Promise<void> {
    return this.#queue.whenIdle();
  }
}
