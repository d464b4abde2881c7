/**
 * The shape of window.scalecrafter as app/electron/preload.cts exposes it. Declared here because the
 * renderer may not import from app/electron; the preload's unit test checks the two agree. What
 * comes back is `unknown` on purpose: callers check it against app/protocol/shell-channels.ts.
 */
import type { FarmSubmitParams } from '../../../app/protocol/farm.js';
import type { SaveWorkflowRequest } from '../../../app/protocol/index.js';

export interface PreloadApi {
  request(name: string, params: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
  /** shellChannels.openWorkflow */
  openWorkflow(): Promise<unknown>;
  /** shellChannels.saveWorkflow */
  saveWorkflow(request: SaveWorkflowRequest): Promise<unknown>;
  /** shellChannels.menuCommand: menu items (File ▸ Save…) arrive as command names. */
  onMenuCommand(listener: (command: unknown) => void): () => void;
  /** shellChannels.farmSubmit */
  farmSubmit(params: FarmSubmitParams): Promise<unknown>;
  /** shellChannels.farmFollow */
  farmFollow(batchId: string): Promise<unknown>;
  /** shellChannels.farmBatch: every change of every batch main submitted. */
  onFarmBatch(listener: (view: unknown) => void): () => void;
}

export function preloadApi(): PreloadApi | null {
  const candidate = (globalThis as { scalecrafter?: PreloadApi }).scalecrafter;
  return candidate && typeof candidate.request === 'function' ? candidate : null;
}
