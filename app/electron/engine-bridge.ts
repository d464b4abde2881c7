/**
 * Forwards validated renderer requests to the engine worker and engine events to the renderer.
 * Electron-free on purpose: main.ts passes in the two Electron functions it needs, so this logic is
 * testable in plain Node.
 */
import { z } from 'zod';
import type { EngineClient } from '../engine/engine-client.js';
import { engineRequests, type EngineEvent, type RequestName } from '../protocol/index.js';

const rendererRequestSchema = z.object({
  name: z.enum(Object.keys(engineRequests) as [RequestName, ...RequestName[]]),
  params: z.unknown(),
});

export interface BridgeHost {
  /** Registers the handler for invoke-style requests from the renderer. */
  handle(channel: string, handler: (payload: unknown) => Promise<unknown>): void;
  /** Pushes an event to every window. */
  broadcast(channel: string, event: EngineEvent): void;
}

export function bridgeEngine(engine: EngineClient, host: BridgeHost, channels: { request: string; event: string }): () => void {
  host.handle(channels.request, async (payload) => {
    const request = rendererRequestSchema.safeParse(payload);
    if (!request.success) throw new Error(`malformed engine request from the renderer: ${request.error.message}`);
    const params = engineRequests[request.data.name].params.safeParse(request.data.params);
    if (!params.success) throw new Error(`bad parameters for "${request.data.name}": ${params.error.message}`);
    return engine.request(request.data.name, params.data as never);
  });
  return engine.onEvent((event) => host.broadcast(channels.event, event));
}
