/**
 * Node outputs kept between runs. Only the entries the latest job used survive it: outputs are large
 * (latents, images, model handles), and the last job is the one a user tweaks and re-queues.
 */
import type { UiPayload } from '../protocol/index.js';

export interface CachedOutput {
  outputs: readonly unknown[];
  ui?: UiPayload;
}

export class OutputCache {
  readonly #entries = new Map<string, CachedOutput>();

  get(key: string): CachedOutput | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: CachedOutput): void {
    this.#entries.set(key, entry);
  }

  /** Drops every entry whose key is not in `keep`. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const key of this.#entries.keys()) if (!keep.has(key)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}
