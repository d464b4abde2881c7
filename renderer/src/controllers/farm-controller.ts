/**
 * The editor's render farm: the dialog submits the canvas's workflow with a sweep, and the farm
 * panel follows the batch submitted last — again after a reload, while the host still follows it.
 */
import type { NodeSchema } from '../../../app/protocol/index.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { FarmApi } from '../farm/farm-api.js';
import { FarmSettingsStore } from '../farm/farm-settings.js';
import type { SettingStore } from '../run/device-setting.js';
import { FarmDialog } from '../ui/farm-dialog.js';
import { FarmPanel } from '../ui/farm-panel.js';

export interface FarmParts {
  client: FarmApi;
  editor: GraphEditor;
  schemas: readonly NodeSchema[];
  storage: SettingStore;
  /** Holds the batch being followed for this tab (sessionStorage). */
  session: SettingStore;
  /** Where the farm panel goes (the side panel). */
  panelParent: HTMLElement;
}

const BATCH_KEY = 'scalecrafter.farm.batch';

/** Returns the "Render on farm…" command. */
export function installFarm({ client, editor, schemas, storage, session, panelParent }: FarmParts): () => void {
  const panel = new FarmPanel(panelParent, {
    fileUrl: (batchId, name) => client.fileUrl(batchId, name),
    focusNode: (nodeId) => editor.focusNode(nodeId),
    titleOf: (nodeId) => editor.node(Number(nodeId))?.title ?? `node ${nodeId}`,
  });
  let stopFollowing: (() => void) | undefined;
  const follow = (batchId: string) => {
    stopFollowing?.();
    session.setItem(BATCH_KEY, batchId);
    stopFollowing = client.follow(
      batchId,
      (view) => panel.render(view),
      // The key stays even when the batch is gone: a page being unloaded sees its stream closed the same way.
      (gone) => {
        panel.setInterrupted(gone ? 'This batch is no longer followed here (the app or its server was restarted): the farm goes on with it; its outputs arrive in the output folder.' : 'The connection to the server is interrupted; reconnecting…');
      },
    );
  };
  const followed = session.getItem(BATCH_KEY);
  if (followed) follow(followed);
  const dialog = new FarmDialog({
    settings: new FarmSettingsStore(storage),
    schemas,
    workflow: () => editor.snapshot(),
    submit: (params) => client.submit(params),
    submitted: ({ batchId }) => follow(batchId),
  });
  return () => dialog.open();
}
