/**
 * Forwards validated renderer requests to the engine worker and engine events to the renderer.
 * Electron-free on purpose: main.ts passes in the two Electron functions it needs, so this logic is
 * testable in plain Node. The page never chooses where outputs go: the host's outputDir is used.
 */
import type { EngineClient } from '../engine/engine-client.js';
import type { EngineEvent } from '../protocol/index.js';
import { checkRendererRequest } from '../server/renderer-requests.js';

export interface BridgeHost {
  /** Registers the handler for invoke-style requests from the renderer. */
  handle(channel: string, handler: (payload: unknown) => Promise<unknown>): void;
  /** Pushes an event to every window. */
  broadcast(channel: string, event: EngineEvent): void;
}

export function bridgeEngine(
  engine: EngineClient,
  host: BridgeHost,
  channels: { request: string; event: string },
  options: { outputDir: string },
): () => void {
  host.handle(channels.request, async (payload) => {
    const request = checkRendererRequest(payload, options);
    return engine.request(request.name, request.params as never);
  });
  return engine.onEvent((event) => host.broadcast(channels.event, event));
}
