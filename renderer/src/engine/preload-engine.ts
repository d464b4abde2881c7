/**
 * Electron mode: the sandboxed preload exposes window.scalecrafter (app/electron/preload.cts).
 * Its replies and events are still checked here; the main process checks what we send.
 */
import type { EngineEvent, RequestName, RequestResult } from '../../../app/protocol/index.js';
import { checkEvent, checkResult, Listeners, type ConnectionState, type EngineApi, type RendererParams } from './engine-api.js';
import type { PreloadApi } from './preload-api.js';

export class PreloadEngine implements EngineApi {
  readonly #connection = new Listeners<ConnectionState>();

  constructor(private readonly preload: PreloadApi) {}

  async request<N extends RequestName>(name: N, params: RendererParams<N>): Promise<RequestResult<N>> {
    return checkResult(name, await this.preload.request(name, params));
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.preload.onEvent((raw) => {
      const event = checkEvent(raw);
      if (event) listener(event);
    });
  }

  /** IPC has no connection to lose: the engine lives as long as the window. */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    const dispose = this.#connection.add(listener);
    listener('open');
    return dispose;
  }
}
