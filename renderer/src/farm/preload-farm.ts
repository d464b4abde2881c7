/**
 * Desktop mode's render farm over the shell channels (app/electron/farm-bridge.ts): the same
 * submission and batch views as the HTTP routes, each reply and push checked against
 * app/protocol/shell-channels.ts. Outputs come from the app:// scheme, at the HTTP routes' path.
 */
import type { FarmBatchView, FarmSubmitParams, FarmSubmitResult } from '../../../app/protocol/farm.js';
import { parseShellPush, parseShellReply } from '../../../app/protocol/index.js';
import type { PreloadApi } from '../engine/preload-api.js';
import { farmFileUrl, type FarmApi } from './farm-api.js';

export class PreloadFarm implements FarmApi {
  constructor(
    private readonly preload: Pick<PreloadApi, 'farmSubmit' | 'farmFollow' | 'onFarmBatch'>,
    private readonly base: URL,
  ) {}

  async submit(params: FarmSubmitParams): Promise<FarmSubmitResult> {
    return parseShellReply('farmSubmit', await this.preload.farmSubmit(params));
  }

  follow(batchId: string, listener: (view: FarmBatchView) => void, onLost: (gone: boolean) => void): () => void {
    let pushed = false;
    let stopped = false;
    const stopPushes = this.preload.onFarmBatch((raw) => {
      const view = parseShellPush('farmBatch', raw);
      if (view?.batchId !== batchId) return;
      pushed = true;
      listener(view);
    });
    this.preload
      .farmFollow(batchId)
      .then((raw) => parseShellReply('farmFollow', raw))
      .then(
        (view) => {
          if (stopped) return;
          if (!view) onLost(true);
          // A push that came first is newer than this answer.
          else if (!pushed) listener(view);
        },
        (error: unknown) => {
          console.error('following the farm batch failed', error);
          if (!stopped) onLost(true);
        },
      );
    return () => {
      stopped = true;
      stopPushes();
    };
  }

  fileUrl(batchId: string, name: string): string {
    return farmFileUrl(this.base, batchId, name);
  }
}
