/**
 * The renderer's one door to the engine, whichever host it runs in: Electron (the preload's
 * window.scalecrafter) or a browser (HTTP + WebSocket). Both transports check every reply and
 * event against the protocol's schemas: the other side of a process boundary is not trusted.
 */
import {
  engineEventSchema,
  engineRequests,
  type EngineEvent,
  type RequestName,
  type RequestParams,
  type RequestResult,
  type RunOptions,
} from '../../../app/protocol/index.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

/**
 * What the renderer may send: the engine's channel map, except that the host, not the page,
 * decides where output files go (a page must not be able to write anywhere on disk).
 */
export type RendererParams<N extends RequestName> = N extends 'enqueue'
  ? Omit<RequestParams<'enqueue'>, 'options'> & { options?: Omit<RunOptions, 'outputDir'> }
  : RequestParams<N>;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface EngineApi {
  request<N extends RequestName>(name: N, params: RendererParams<N>): Promise<RequestResult<N>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function checkResult<N extends RequestName>(name: N, raw: unknown): RequestResult<N> {
  const parsed = engineRequests[name].result.safeParse(raw);
  if (!parsed.success) throw new UserFacingError(`the engine answered "${name}" with something unexpected: ${parsed.error.message}`);
  return parsed.data as RequestResult<N>;
}

/** A valid event, or null (logged) for anything else: one bad message must not stop the stream. */
export function checkEvent(raw: unknown): EngineEvent | null {
  const parsed = engineEventSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  console.warn('ignored a malformed engine event', parsed.error.message);
  return null;
}

/** A set of listeners that returns its own unsubscribe function. */
export class Listeners<T> {
  readonly #set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.#set.add(listener);
    return () => this.#set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of this.#set) listener(value);
  }
}
