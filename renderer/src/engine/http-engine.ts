/**
 * Browser mode: requests go to the server's typed endpoint (POST api/request/<name>) and events
 * arrive over a WebSocket (api/events; /ws speaks ComfyUI's messages), reconnecting when the server restarts. URLs are relative to the
 * page, so the UI works behind any host name or path prefix.
 */
import type { EngineEvent, RequestName, RequestResult } from '../../../app/protocol/index.js';
import { checkEvent, checkResult, Listeners, type ConnectionState, type EngineApi, type RendererParams } from './engine-api.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const RECONNECT_DELAY_MS = 1000;

export class HttpEngine implements EngineApi {
  readonly #events = new Listeners<EngineEvent>();
  readonly #connection = new Listeners<ConnectionState>();
  #socket: WebSocket | null = null;

  constructor(private readonly base: URL) {
    this.#connect();
  }

  async request<N extends RequestName>(name: N, params: RendererParams<N>): Promise<RequestResult<N>> {
    const response = await fetch(new URL(`api/request/${name}`, this.base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${response.status}`;
      throw new UserFacingError(`"${name}" failed: ${message}`);
    }
    return checkResult(name, body);
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.#events.add(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    return this.#connection.add(listener);
  }

  #connect(): void {
    const url = new URL('api/events', this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    this.#socket = socket;
    this.#connection.emit('connecting');
    socket.addEventListener('open', () => this.#connection.emit('open'));
    socket.addEventListener('message', (message) => {
      if (typeof message.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(message.data);
      } catch {
        console.warn('ignored a WebSocket message that is not JSON');
        return;
      }
      const event = checkEvent(raw);
      if (event) this.#events.emit(event);
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#connection.emit('closed');
      setTimeout(() => this.#connect(), RECONNECT_DELAY_MS);
    });
  }
}
