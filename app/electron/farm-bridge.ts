/**
 * The editor's render farm over the shell channels, as app/server/farm-routes.ts serves it over
 * HTTP: submissions go to the app's FarmBatches, and every change of a batch it submitted is pushed
 * to the windows. Electron-free on purpose (main.ts passes in ipcMain and webContents), so it is
 * tested in plain Node. Outputs are served by the app:// scheme (app-protocol.ts), not here.
 */
import type { BatchMonitor } from '../farm/batch-monitor.js';
import type { FarmBatches } from '../farm/farm-batches.js';
import { handleShellRequest, pushToShell, type IpcHost } from './ipc-boundary.js';

export function bridgeFarm(batches: FarmBatches, host: IpcHost): void {
  // A resubmitted batch gets a new monitor, which must be forwarded too; a closed one forgets its listeners.
  const forwarded = new WeakSet<BatchMonitor>();
  const forward = (batchId: string): BatchMonitor | undefined => {
    const monitor = batches.get(batchId);
    if (monitor && !forwarded.has(monitor)) {
      forwarded.add(monitor);
      monitor.onChange((view) => pushToShell(host, 'farmBatch', view));
    }
    return monitor;
  };
  handleShellRequest(host, 'farmSubmit', async (params) => {
    const result = await batches.submit(params);
    if (result.ok) forward(result.batchId);
    return result;
  });
  handleShellRequest(host, 'farmFollow', async ({ batchId }) => forward(batchId)?.view ?? null);
}
