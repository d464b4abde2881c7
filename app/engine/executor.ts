/**
 * Runs one validated prompt: nodes in dependency order, cached outputs reused, cancellation checked
 * between nodes (and inside long nodes through the signal), and events emitted as it goes. Any
 * exception a node throws ends the job with a failure on that node; it never escapes this function.
 */
import { isPromptLink, type EngineEvent, type ExecutionProviderPreference, type NodeFailure, type Prompt, type UiPayload, type Workflow } from '../protocol/index.js';
import { computeCacheKeys } from './cache-keys.js';
import { embeddedWorkflow, type EmbeddedWorkflow } from './embedded-workflow.js';
import type { NodeContext } from './node-definition.js';
import { toNodeFailure } from './node-failure.js';
import type { NodeRegistry } from './node-registry.js';
import type { OutputCache } from './output-cache.js';
import type { ExecutionPlan } from './validate-prompt.js';

export interface JobToRun {
  jobId: string;
  prompt: Prompt;
  workflow: Workflow;
  plan: ExecutionPlan;
  outputDir: string;
  executionProvider: ExecutionProviderPreference;
  signal: AbortSignal;
  /**
   * Keep only this job's cache entries afterwards (true for runs). A probe that evaluates a few
   * upstream nodes (the schedule table) must not evict the last run's outputs.
   */
  pruneCache?: boolean;
}

export interface JobOutcome {
  status: 'success' | 'error' | 'cancelled';
  executed: string[];
  cached: string[];
  outputs: Record<string, UiPayload>;
  failure?: NodeFailure;
  /** A node's output values from this job (or the cache it used). */
  outputsOf(nodeId: string): readonly unknown[] | undefined;
}

export async function executeJob(
  job: JobToRun,
  registry: NodeRegistry,
  cache: OutputCache,
  emit: (event: EngineEvent) => void,
): Promise<JobOutcome> {
  const { jobId, prompt, plan } = job;
  const keys = computeCacheKeys(prompt, plan.order, registry, jobId);
  const cachedNodes = plan.order.filter((id) => cache.get(keys.get(id)!) !== undefined);
  const toExecute = plan.order.filter((id) => !cachedNodes.includes(id));
  const outcome: JobOutcome = {
    status: 'success',
    executed: [],
    cached: cachedNodes,
    outputs: {},
    outputsOf: (nodeId) => (keys.has(nodeId) ? cache.get(keys.get(nodeId)!)?.outputs : undefined),
  };
  const started = Date.now();
  const memory = new MemoryHighWater();
  let embedded: EmbeddedWorkflow | undefined;
  const embeddedOnce = () => (embedded ??= embeddedWorkflow(job.workflow, registry, prompt));

  emit({ type: 'started', jobId, nodes: toExecute });
  emit({ type: 'cached', jobId, nodes: cachedNodes });
  for (const id of cachedNodes) {
    const ui = cache.get(keys.get(id)!)?.ui;
    if (ui) {
      outcome.outputs[id] = ui;
      emit({ type: 'output', jobId, nodeId: id, ui });
    }
  }

  try {
    for (const id of toExecute) {
      job.signal.throwIfAborted();
      const node = prompt[id]!;
      const definition = registry.get(node.class_type)!;
      emit({ type: 'executing', jobId, nodeId: id, nodeType: node.class_type });
      try {
        const inputs = gatherInputs(prompt, id, keys, cache);
        const context = nodeContext(job, id, emit, embeddedOnce);
        const result = await definition.execute(inputs as never, context);
        if (result.outputs.length !== definition.schema.outputs.length) {
          throw new Error(`${node.class_type} returned ${result.outputs.length} outputs but declares ${definition.schema.outputs.length}`);
        }
        cache.set(keys.get(id)!, result.ui ? { outputs: result.outputs, ui: result.ui } : { outputs: result.outputs });
        outcome.executed.push(id);
        if (result.ui) {
          outcome.outputs[id] = result.ui;
          emit({ type: 'output', jobId, nodeId: id, ui: result.ui });
        }
      } catch (error) {
        if (job.signal.aborted) throw error;
        outcome.status = 'error';
        outcome.failure = toNodeFailure(error, id, node.class_type);
        emit({ type: 'error', jobId, failure: outcome.failure });
        return outcome;
      }
    }
    job.signal.throwIfAborted();
  } catch (error) {
    if (!job.signal.aborted) throw error;
    outcome.status = 'cancelled';
    emit({ type: 'cancelled', jobId });
    return outcome;
  } finally {
    // Keep what this job used, so a re-queue after a tweak (or after a cancel) resumes from it.
    if (job.pruneCache !== false) cache.retainOnly(new Set(plan.order.map((id) => keys.get(id)!)));
    memory.stop();
  }
  emit({ type: 'done', jobId, durationMs: Date.now() - started, peakMemoryMiB: memory.peakMiB });
  return outcome;
}

function gatherInputs(prompt: Prompt, id: string, keys: Map<string, string>, cache: OutputCache): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(prompt[id]!.inputs)) {
    if (!isPromptLink(value)) {
      inputs[name] = value;
      continue;
    }
    const [originId, slot] = value;
    const upstream = cache.get(keys.get(originId)!);
    if (!upstream) throw new Error(`input "${name}": node ${originId} has no output (it did not run)`);
    inputs[name] = upstream.outputs[slot];
  }
  return inputs;
}

function nodeContext(job: JobToRun, nodeId: string, emit: (event: EngineEvent) => void, embedded: () => EmbeddedWorkflow): NodeContext {
  return {
    jobId: job.jobId,
    nodeId,
    signal: job.signal,
    outputDir: job.outputDir,
    executionProvider: job.executionProvider,
    embeddedWorkflow: embedded,
    progress(value, max, preview) {
      emit({ type: 'progress', jobId: job.jobId, nodeId, value, max, ...(preview ? { preview } : {}) });
    },
    message(level, text) {
      emit({ type: 'message', jobId: job.jobId, nodeId, level, text });
    },
  };
}

/** Samples the process's resident memory while a job runs; ONNX Runtime allocates outside the JS heap. */
class MemoryHighWater {
  #peak = process.memoryUsage.rss();
  readonly #timer = setInterval(() => (this.#peak = Math.max(this.#peak, process.memoryUsage.rss())), 50);

  stop(): void {
    clearInterval(this.#timer);
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }

  get peakMiB(): number {
    return Math.round(this.#peak / 2 ** 20);
  }
}
