/**
 * Queue with a batch count (ComfyUI's): the workflow is queued that many times, one after another,
 * so a seed set to randomize or increment moves on between the copies exactly as between two
 * clicks of Queue. "Queue front" puts each copy before the jobs already waiting.
 */
export interface Queuer {
  queue(options?: { front?: boolean }): Promise<string | undefined>;
}

export const MAX_BATCH_COUNT = 100;

export class BatchQueue {
  constructor(
    private readonly runs: Queuer,
    private readonly batchCount: () => number,
  ) {}

  /** The queued jobs' ids; stops at the first copy that cannot be queued (its reason is shown). */
  async queue({ front = false } = {}): Promise<string[]> {
    const count = Math.min(MAX_BATCH_COUNT, Math.max(1, Math.floor(this.batchCount()) || 1));
    const jobIds: string[] = [];
    for (let copy = 0; copy < count; copy++) {
      const jobId = await this.runs.queue({ front });
      if (!jobId) break;
      jobIds.push(jobId);
    }
    return jobIds;
  }
}
