/**
 * What ComfyUI's PromptQueue remembers about each prompt, kept beside the engine's queue: the
 * queue item tuple [number, prompt_id, prompt, extra_data, outputs_to_execute] that /queue and
 * /history show, the submitting client, which of the engine's node ids stands for which of the
 * prompt's, and the history of finished prompts in ComfyUI's shape (execution.py `task_done`).
 */

/** [number, prompt_id, prompt, extra_data, outputs_to_execute], as ComfyUI's queue holds it. */
export type ComfyQueueItem = [number, string, unknown, Record<string, unknown>, string[]];

/** One [event, data] pair that ComfyUI keeps in a history entry's status.messages. */
export type ComfyStatusMessage = [string, Record<string, unknown>];

export interface ComfyHistoryEntry {
  prompt: ComfyQueueItem;
  outputs: Record<string, unknown>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: ComfyStatusMessage[] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

export interface ComfyJob {
  promptId: string;
  number: number;
  /** The prompt as the client sent it (shown back by /queue and /history). */
  prompt: unknown;
  extraData: Record<string, unknown>;
  outputsToExecute: string[];
  /** Messages meant for one client go to this one; null: nobody asked (ComfyUI then sends them to no one). */
  clientId: string | null;
  /** The client's node id for an engine node id (they differ where the client's ids are not numbers). */
  clientNodeId(engineNodeId: string): string;
  /** The class type the client wrote for its node id. */
  classTypeOf(clientNodeId: string): string;
}

/** ComfyUI keeps 10000; the entries here hold only names, so the same bound is cheap. */
const HISTORY_LIMIT = 10_000;

export class ComfyJobBook {
  readonly #jobs = new Map<string, ComfyJob>();
  readonly #history = new Map<string, ComfyHistoryEntry>();
  #nextNumber = 0;

  /** ComfyUI's numbering: a counter, negated for `front`, or the number the client gave. */
  numberFor(body: { number?: unknown; front?: unknown }): number {
    const counted = this.#nextNumber++;
    if (body.number !== undefined && Number.isFinite(Number(body.number))) return Number(body.number);
    return body.front ? -counted : counted;
  }

  add(job: ComfyJob): void {
    this.#jobs.set(job.promptId, job);
  }

  get(promptId: string): ComfyJob | undefined {
    return this.#jobs.get(promptId);
  }

  /** Moves a finished job into the history (or drops a job removed from the queue, which ComfyUI does not record). */
  finish(promptId: string, entry: ComfyHistoryEntry | null): void {
    this.#jobs.delete(promptId);
    if (entry === null) return;
    this.#history.set(promptId, entry);
    if (this.#history.size > HISTORY_LIMIT) this.#history.delete(this.#history.keys().next().value!);
  }

  static queueItem(job: ComfyJob): ComfyQueueItem {
    return [job.number, job.promptId, job.prompt, job.extraData, job.outputsToExecute];
  }

  /** GET /history: the newest `maxItems` entries, oldest first (ComfyUI's order). */
  history(maxItems?: number): Record<string, ComfyHistoryEntry> {
    const entries = [...this.#history.entries()];
    return Object.fromEntries(maxItems === undefined ? entries : entries.slice(Math.max(0, entries.length - maxItems)));
  }

  historyOf(promptId: string): Record<string, ComfyHistoryEntry> {
    const entry = this.#history.get(promptId);
    return entry ? { [promptId]: entry } : {};
  }

  clearHistory(): void {
    this.#history.clear();
  }

  deleteHistory(promptId: string): void {
    this.#history.delete(promptId);
  }
}
