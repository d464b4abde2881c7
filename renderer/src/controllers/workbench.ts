/**
 * What a ComfyUI user expects around the canvas, wired to the editor, document and runs: node
 * search by ComfyUI names, the node library and queue side bar, batch count and Queue front,
 * workflow tabs, the minimap and zoom buttons, settings and the keyboard-shortcut panel.
 */
import type { NodeSchema } from '../../../app/protocol/index.js';
import { applyEditorSettings } from '../canvas/apply-settings.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import { acceptNodeDrops, addNodeAt, viewCentre } from '../canvas/node-placement.js';
import { installNodeSearch } from '../canvas/search-box-hook.js';
import { ViewControl } from '../canvas/view-control.js';
import type { EngineApi } from '../engine/engine-api.js';
import { NodeSearch } from '../library/node-search.js';
import { EditorSettingsStore } from '../settings/editor-settings.js';
import { element } from '../ui/element.js';
import { Minimap } from '../ui/minimap.js';
import { NodeLibrary } from '../ui/node-library.js';
import { QueueControls } from '../ui/queue-controls.js';
import { QueueSidebar } from '../ui/queue-sidebar.js';
import { SettingsDialog } from '../ui/settings-dialog.js';
import { ShortcutsDialog } from '../ui/shortcuts-dialog.js';
import { Sidebar } from '../ui/sidebar.js';
import { TabBar } from '../ui/tab-bar.js';
import { ZoomControls } from '../ui/zoom-controls.js';
import { SubgraphBreadcrumb } from '../ui/subgraph-breadcrumb.js';
import { BatchQueue } from './batch-queue.js';
import { QueueOrder } from './queue-order.js';
import type { RunController } from './run-controller.js';
import type { WorkflowDocument } from './workflow-document.js';
import { WorkflowTabs } from './workflow-tabs.js';
import { PatchHistory } from '../workflow/patch-history.js';

export interface WorkbenchParts {
  schemas: readonly NodeSchema[];
  editor: GraphEditor;
  doc: WorkflowDocument;
  runs: RunController;
  engine: EngineApi;
  storage: Storage;
  confirm(question: string): boolean;
  error(text: string): void;
}

export interface Workbench {
  /** Queue (button, Ctrl+Enter): the batch count's copies. */
  queue(): Promise<void>;
  /** Queue front (button, Ctrl+Shift+Enter): the same, before the jobs waiting. */
  queueFront(): Promise<void>;
  /** After the document was restored: bring back the other tabs and the queue's order. */
  started(): void;
}

export function installWorkbench({ schemas, editor, doc, runs, engine, storage, confirm, error }: WorkbenchParts): Workbench {
  const search = new NodeSearch(schemas);
  installNodeSearch(editor.canvas, search);
  acceptNodeDrops(editor.canvas);
  const view = new ViewControl(editor.canvas, () => editor.fitView());
  const settings = installCanvasCorner(editor, view, storage);
  const tabs = installTabs(doc, view, storage, confirm);

  const order = new QueueOrder(engine);
  // The engine's history keeps the workflow each job ran (before the seed control moved on), so any
  // job it remembers opens again — after a reload, or queued from another page (ComfyUI's "Load workflow").
  const openFinished = async (jobId: string) => {
    const history = await engine.request('history', {}).catch(() => []);
    const entry = history.find((candidate) => candidate.jobId === jobId);
    if (!entry) return error('That job is no longer in the engine\'s history, so its workflow cannot be opened.');
    tabs.open({ history: new PatchHistory(entry.workflow), name: `${entry.label ?? 'job'} (from queue)`, path: undefined, savedJson: null });
  };
  const titleOf = (nodeId: string) => editor.node(Number(nodeId))?.title ?? `node ${nodeId}`;
  const queueSidebar = new QueueSidebar({ tracker: runs.tracker, gallery: runs.gallery, pendingOrder: () => order.pending, titleOf, cancel: (jobId) => void runs.cancel(jobId), open: (jobId) => void openFinished(jobId) });
  const library = new NodeLibrary(search, (type) => addNodeAt(editor.canvas, type, viewCentre(editor.canvas)));
  const sidebar = installSidebar(library, queueSidebar, settings, storage);
  const renderQueue = () => {
    queueSidebar.render();
    const active = runs.tracker.jobs.filter((job) => job.status === 'running' || job.status === 'queued').length;
    sidebar.setBadge('queue', active > 0 ? String(active) : '');
  };
  runs.onChange(renderQueue);
  order.onChange(renderQueue);

  const batch = new BatchQueue(runs, () => controls.batchCount);
  const controls = new QueueControls(document.querySelector('[data-testid="queue"]')!, () => void batch.queue({ front: true }));
  return {
    queue: async () => {
      await batch.queue();
    },
    queueFront: async () => {
      await batch.queue({ front: true });
    },
    started: () => {
      tabs.restore();
      renderQueue();
      void order.refresh();
    },
  };
}

/** The subgraph breadcrumb, the minimap and zoom buttons in the canvas's corners, and the settings that apply to the canvas. */
function installCanvasCorner(editor: GraphEditor, view: ViewControl, storage: Storage): EditorSettingsStore {
  const minimap = new Minimap(view);
  const breadcrumb = new SubgraphBreadcrumb((depth) => editor.navigation.showDepth(depth));
  editor.navigation.onChange((path) => breadcrumb.render(path));
  document.getElementById('canvas-host')!.append(breadcrumb.root, element('div', { class: 'canvas-corner' }, minimap.root, new ZoomControls(view).root));
  const settings = new EditorSettingsStore(storage);
  const apply = () => {
    applyEditorSettings(editor.canvas, settings.value);
    minimap.root.hidden = !settings.value.showMinimap;
  };
  settings.onChange(apply);
  apply();
  return settings;
}

/** The tab bar above the canvas (the canvas and its tabs share a column). */
function installTabs(doc: WorkflowDocument, view: ViewControl, storage: Storage, confirm: (question: string) => boolean): WorkflowTabs {
  const tabs = new WorkflowTabs(doc, storage, {
    confirm,
    view: {
      get: () => view.state,
      set: (state) => (view.state = state),
    },
  });
  const tabBar = new TabBar({ select: (index) => tabs.select(index), close: (index) => tabs.close(index), add: () => tabs.add() });
  tabs.onChange(() => tabBar.render(tabs.summaries));
  const canvasHost = document.getElementById('canvas-host')!;
  const column = element('div', { id: 'canvas-column' });
  canvasHost.before(column);
  column.append(tabBar.root, canvasHost);
  return tabs;
}

function installSidebar(library: NodeLibrary, queue: QueueSidebar, settings: EditorSettingsStore, storage: Storage): Sidebar {
  const settingsDialog = new SettingsDialog(settings);
  const shortcutsDialog = new ShortcutsDialog();
  return new Sidebar(
    document.getElementById('workspace')!,
    [
      { id: 'nodes', label: 'Node library', icon: '⬚', content: library.root },
      { id: 'queue', label: 'Queue', icon: '☰', content: queue.root },
    ],
    [
      { label: 'Keyboard shortcuts', icon: '⌨', testId: 'open-shortcuts', run: () => shortcutsDialog.open() },
      { label: 'Settings', icon: '⚙', testId: 'open-settings', run: () => settingsDialog.open() },
    ],
    storage,
  );
}
