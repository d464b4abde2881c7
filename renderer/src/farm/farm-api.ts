/**
 * The editor's render farm as the page sees it, whichever host carries it: the local server's HTTP
 * routes (http-farm.ts) or the desktop shell's IPC channels (preload-farm.ts), picked at start-up
 * the way the engine's transport is.
 */
import { FARM_API, type FarmBatchView, type FarmSubmitParams, type FarmSubmitResult } from '../../../app/protocol/farm.js';

export interface FarmApi {
  submit(params: FarmSubmitParams): Promise<FarmSubmitResult>;
  /**
   * Calls `listener` with each view of the batch until the returned function is called; `onLost`
   * when the stream breaks (`gone`: for good — the host does not know the batch, after a restart).
   */
  follow(batchId: string, listener: (view: FarmBatchView) => void, onLost: (gone: boolean) => void): () => void;
  /** Where the page loads one of the batch's published outputs from. */
  fileUrl(batchId: string, name: string): string;
}

/** Both hosts serve a batch's outputs at the same path under the page's origin (http:// or app://). */
export function farmFileUrl(base: URL, batchId: string, name: string): string {
  return new URL(FARM_API.file(batchId, name), base).href;
}
