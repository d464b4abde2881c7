/**
 * Browser mode's render farm over the local server's routes (app/server/farm-routes.ts): submitting
 * a batch and following its progress as server-sent events. Every reply and event is checked
 * against app/protocol/farm.ts.
 */
import { FARM_API, farmBatchViewSchema, farmSubmitResultSchema, type FarmBatchView, type FarmSubmitParams, type FarmSubmitResult } from '../../../app/protocol/farm.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';
import { farmFileUrl, type FarmApi } from './farm-api.js';

export class HttpFarm implements FarmApi {
  constructor(private readonly base: URL) {}

  async submit(params: FarmSubmitParams): Promise<FarmSubmitResult> {
    const response = await fetch(new URL(FARM_API.submit, this.base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${response.status}`;
      throw new UserFacingError(`the farm submission failed: ${message}`);
    }
    const parsed = farmSubmitResultSchema.safeParse(body);
    if (!parsed.success) throw new UserFacingError(`the server answered the farm submission with something unexpected: ${parsed.error.message}`);
    return parsed.data;
  }

  follow(batchId: string, listener: (view: FarmBatchView) => void, onLost: (gone: boolean) => void): () => void {
    const source = new EventSource(new URL(FARM_API.events(batchId), this.base));
    source.addEventListener('message', (message: MessageEvent<string>) => {
      let raw: unknown;
      try {
        raw = JSON.parse(message.data);
      } catch {
        console.warn('ignored a farm event that is not JSON');
        return;
      }
      const view = farmBatchViewSchema.safeParse(raw);
      if (view.success) listener(view.data);
      else console.warn('ignored a malformed farm event', view.error.message);
    });
    // EventSource reconnects by itself after a dropped connection, but not after an error status.
    source.addEventListener('error', () => onLost(source.readyState === EventSource.CLOSED));
    return () => source.close();
  }

  fileUrl(batchId: string, name: string): string {
    return farmFileUrl(this.base, batchId, name);
  }
}
