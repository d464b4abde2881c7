/**
 * Forwards validated renderer requests to the engine process and engine events to the renderer.
 * Electron-free on purpose: main.ts passes in the two Electron functions it needs, so this logic is
 * testable in plain Node. The page never chooses where outputs go: the host's outputDir is used.
 */
import type { EngineClient } from '../engine/engine-client.js';
import { checkRendererRequest } from '../server/renderer-requests.js';
import { handleShellRequest, pushToShell, type IpcHost } from './ipc-boundary.js';

export function bridgeEngine(engine: EngineClient, host: IpcHost, options: { outputDir: string }): () => void {
  handleShellRequest(host, 'engineRequest', async (payload) => {
    const request = checkRendererRequest(payload, options);
    return engine.request(request.name, request.params as never);
  });
  return engine.onEvent((event) => pushToShell(host, 'engineEvent', event));
}
