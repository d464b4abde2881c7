/**
 * The editor's render farm: the dialog submits the canvas's workflow with a sweep, and the farm
 * panel follows the batch submitted last (its events, until the page closes or another is sent).
 */
import type { NodeSchema } from '../../../app/protocol/index.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { FarmClient } from '../farm/farm-client.js';
import { FarmSettingsStore } from '../farm/farm-settings.js';
import type { SettingStore } from '../run/device-setting.js';
import { FarmDialog } from '../ui/farm-dialog.js';
import { FarmPanel } from '../ui/farm-panel.js';

export interface FarmParts {
  client: FarmClient;
  editor: GraphEditor;
  schemas: readonly NodeSchema[];
  storage: SettingStore;
  /** Where the farm panel goes (the side panel). */
  panelParent: HTMLElement;
}

/** Returns the "Render on farm…" command. */
export function installFarm({ client, editor, schemas, storage, panelParent }: FarmParts): () => void {
  const panel = new FarmPanel(panelParent, { fileUrl: (batchId, name) => client.fileUrl(batchId, name), focusNode: (nodeId) => editor.focusNode(nodeId) });
  let stopFollowing: (() => void) | undefined;
  const dialog = new FarmDialog({
    settings: new FarmSettingsStore(storage),
    schemas,
    workflow: () => editor.snapshot(),
    submit: (params) => client.submit(params),
    submitted: ({ batchId }) => {
      stopFollowing?.();
      stopFollowing = client.follow(
        batchId,
        (view) => panel.render(view),
        () => panel.setInterrupted('The connection to the server is interrupted; reconnecting…'),
      );
    },
  });
  return () => dialog.open();
}
