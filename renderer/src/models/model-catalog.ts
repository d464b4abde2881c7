/**
 * The engine's models as the canvas knows them: names and training sizes from the `models`
 * request, fetched at start-up and again whenever a model picker opens (files copied into the
 * models folder meanwhile appear). Until the first answer the list is unknown, and nothing is
 * called missing.
 */
import type { ModelInfo } from '../../../app/protocol/index.js';
import type { EngineApi } from '../engine/engine-api.js';

export class ModelCatalog {
  #checkpoints: readonly ModelInfo[] | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly engine: EngineApi) {}

  /** Null until the engine has answered once. */
  get checkpoints(): readonly ModelInfo[] | null {
    return this.#checkpoints;
  }

  /** Whether the engine lists `name`; unknown (true) before the first answer. */
  knows(name: string): boolean {
    return this.#checkpoints === null || this.#checkpoints.some((model) => model.name === name);
  }

  nativeSizeOf(name: string): ModelInfo['nativeSize'] {
    return this.#checkpoints?.find((model) => model.name === name)?.nativeSize ?? null;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks the engine again; a failed request keeps the last list. */
  async refresh(): Promise<void> {
    try {
      this.#checkpoints = (await this.engine.request('models', {})).checkpoints;
    } catch {
      return;
    }
    for (const listener of this.#listeners) listener();
  }
}
