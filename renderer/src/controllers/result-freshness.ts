/**
 * Keeps what a run leaves on nodes true to the graph: images (live step previews, written outputs)
 * and the "done" and "cached" marks are drawn only while the node's signature (run/node-signature.ts:
 * its widgets and everything upstream) is the one the job ran with, and go as soon as an edit
 * changes it. Seeds that move on after queueing count as part of the queued graph, not as an edit.
 */
import { withControlUpdates, withSubgraphControlMoves, type ControlUpdate, type SubgraphControlMove, type Workflow } from '../../../app/protocol/index.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import { nodeSignatures } from '../run/node-signature.js';

/** Jobs whose graphs are remembered; older ones draw without the check (their images are long replaced). */
const JOBS_KEPT = 20;

export class ResultFreshness {
  readonly #jobs = new Map<string, { workflow: Workflow; signatures?: Map<number, string> }>();
  #current: Map<number, string> | undefined;
  /** Signature of what is drawn on each node. */
  readonly #shown = new Map<number, string>();

  constructor(private readonly editor: GraphEditor) {}

  queued(jobId: string, workflow: Workflow): void {
    this.#jobs.set(jobId, { workflow });
    for (const old of [...this.#jobs.keys()].slice(0, -JOBS_KEPT)) this.#jobs.delete(old);
  }

  seedsMoved(jobIds: readonly string[], updates: readonly ControlUpdate[], inSubgraphs: readonly SubgraphControlMove[]): void {
    // The canvas holds the moved seeds already (set synchronously), before its edit is committed.
    this.#current = undefined;
    for (const jobId of jobIds) {
      const job = this.#jobs.get(jobId);
      if (job) this.#jobs.set(jobId, { workflow: withSubgraphControlMoves(withControlUpdates(job.workflow, updates), inSubgraphs) });
    }
  }

  /**
   * Whether `jobId`'s result for `executionId` (an image, a done or cached mark) still fits the
   * canvas; if so it is recorded as drawn. A node inside a subgraph goes by its outermost instance,
   * whose signature holds the definition it runs.
   */
  mayShow(jobId: string, executionId: number | string): boolean {
    const nodeId = Number(String(executionId).split(':')[0]);
    const current = this.#currentSignatures().get(nodeId);
    const job = this.#jobs.get(jobId);
    const made = job ? (job.signatures ??= nodeSignatures(job.workflow)).get(nodeId) : current;
    if (current === undefined || made !== current) return false;
    this.#shown.set(nodeId, current);
    return true;
  }

  /** After an edit: the images and marks of nodes whose signature changed are taken off. */
  graphChanged(): void {
    this.#current = undefined;
    const current = this.#currentSignatures();
    for (const [nodeId, signature] of this.#shown) {
      if (current.get(nodeId) === signature) continue;
      this.#shown.delete(nodeId);
      this.editor.decorations.clearResults(nodeId);
    }
  }

  #currentSignatures(): Map<number, string> {
    return (this.#current ??= nodeSignatures(this.editor.snapshot()));
  }
}
