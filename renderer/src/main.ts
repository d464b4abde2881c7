/**
 * Start-up: pick the transport (Electron preload or HTTP + WebSocket), fetch the node schemas,
 * make the node types and the canvas, restore the autosaved document (or the default workflow),
 * and wire the toolbar, panels, shortcuts and file drop to the document and run controllers.
 */
import './zod-without-eval.js';
import '@comfyorg/litegraph/style.css';
import './styles.css';
import './workbench.css';
import './farm.css';
import defaultWorkflow from '../../workflows/default.json';
import { installFileDrop } from './controllers/file-drop.js';
import { RunController } from './controllers/run-controller.js';
import { DeviceSetting } from './run/device-setting.js';
import { parseShellPush, type ExecutionProviderPreference, type MenuCommand } from '../../app/protocol/index.js';
import { ScheduleController } from './controllers/schedule-controller.js';
import { installShortcuts } from './controllers/shortcuts.js';
import { WorkflowDocument } from './controllers/workflow-document.js';
import { installWorkbench } from './controllers/workbench.js';
import { GraphEditor } from './canvas/graph-editor.js';
import { configureLiteGraph } from './canvas/litegraph-setup.js';
import { registerNodeTypes } from './canvas/node-types.js';
import { ModelCatalog } from './models/model-catalog.js';
import { LatentSizeDefaults } from './controllers/latent-size-defaults.js';
import type { EngineApi } from './engine/engine-api.js';
import { HttpEngine } from './engine/http-engine.js';
import { preloadApi } from './engine/preload-api.js';
import { PreloadEngine } from './engine/preload-engine.js';
import { BrowserWorkflowFiles, DesktopWorkflowFiles } from './files/workflow-files.js';
import { exposeDebugHandle } from './controllers/debug-handle.js';
import { installFarm } from './controllers/farm-controller.js';
import type { FarmApi } from './farm/farm-api.js';
import { HttpFarm } from './farm/http-farm.js';
import { PreloadFarm } from './farm/preload-farm.js';
import { GalleryPanel } from './ui/gallery-panel.js';
import { ImageViewer } from './ui/image-viewer.js';
import { askName } from './ui/name-dialog.js';
import { CompareController } from './controllers/compare-controller.js';
import { Notices } from './ui/notices.js';
import { ProblemsPanel } from './ui/problems-panel.js';
import { RunPanel } from './ui/run-panel.js';
import { Toolbar } from './ui/toolbar.js';

async function start(): Promise<void> {
  const app = document.getElementById('app')!;
  const side = document.getElementById('side-panel')!;
  const notices = new Notices(document.body);
  const preload = preloadApi();
  const base = new URL('./', window.location.href);
  const engine: EngineApi = preload ? new PreloadEngine(preload) : new HttpEngine(base);
  const farm: FarmApi = preload ? new PreloadFarm(preload, base) : new HttpFarm(base);

  const schemas = await engine.request('nodeSchemas', {});
  const models = new ModelCatalog(engine);
  await models.refresh();
  configureLiteGraph();
  registerNodeTypes(schemas, models);
  const editor = new GraphEditor(document.getElementById('graph-canvas') as HTMLCanvasElement, schemas);
  models.onChange(() => editor.canvas.setDirty(true, true));
  new LatentSizeDefaults(editor, models);
  const files = preload ? new DesktopWorkflowFiles(preload) : new BrowserWorkflowFiles(askName);
  const documentNotices = { info: (text: string) => notices.info(text), error: (text: string) => notices.error(text), confirm: (question: string) => window.confirm(question) };
  const doc = new WorkflowDocument(editor, engine, files, window.localStorage, documentNotices, defaultWorkflow);
  const device = new DeviceSetting(window.localStorage);
  const notify = (text: string, level: 'info' | 'error') => (level === 'error' ? notices.error(text) : notices.info(text));
  const runs = new RunController(engine, editor, () => doc.name, notify, () => device.value);
  const compare = new CompareController(runs, editor, new ImageViewer(document.body), () => doc.name, notify);

  const commands = {
    newDocument: () => doc.newDocument(),
    open: () => void doc.open(),
    openRecent: (file: Parameters<WorkflowDocument['openRecent']>[0]) => void doc.openRecent(file),
    loadDefault: () => void doc.loadDefault(),
    save: () => void doc.save(false),
    saveAs: () => void doc.save(true),
    saveComfyUi: () => void doc.saveComfyUi(),
    device: {
      get value() {
        return device.value;
      },
      choose: (choice: ExecutionProviderPreference) => {
        device.value = choice;
      },
    },
    rename: (name: string) => doc.rename(name),
    undo: () => doc.undo(),
    redo: () => doc.redo(),
    queue: () => void workbench.queue(),
    queueFront: () => void workbench.queueFront(),
    compare: () => void compare.compareDirect(),
    cancel: () => void runs.cancel(),
    bypass: () => editor.toggleSelected('bypassed'),
    mute: () => editor.toggleSelected('muted'),
    group: () => editor.groupSelection(),
    fitView: () => editor.fitView(),
    renderOnFarm: installFarm({ client: farm, editor, schemas, storage: window.localStorage, session: window.sessionStorage, panelParent: side }),
  };
  const toolbar = new Toolbar(app, commands);
  const workbench = installWorkbench({ schemas, editor, doc, runs, engine, storage: window.localStorage, confirm: documentNotices.confirm, error: documentNotices.error });
  const titleOf = (nodeId: string) => editor.titleOf(nodeId);
  const problems = new ProblemsPanel(side, titleOf, (id) => editor.focusNode(id));
  const runPanel = new RunPanel(side, runs.tracker, titleOf, (jobId) => void runs.cancel(jobId));
  const gallery = new GalleryPanel(side, { open: (image) => compare.open(image), compare: (left, right) => compare.comparePinned(left, right) });
  const schedule = new ScheduleController(editor, engine, runs, window.localStorage, side);

  const refreshDocument = () => {
    toolbar.update({ name: doc.name, dirty: doc.dirty, canUndo: doc.canUndo, canRedo: doc.canRedo, running: runs.tracker.jobs.some((job) => job.status === 'running'), recent: doc.recentFiles });
    document.title = `${doc.dirty ? '● ' : ''}${doc.name} — ScaleCrafter Studio`;
  };
  doc.onChange(refreshDocument);
  doc.onReplace(() => {
    runs.clearProblems();
    schedule.reset();
    // Bad values in an opened file are flagged at once, not at the first Queue.
    void runs.validate();
  });
  doc.onChange(() => {
    runs.graphChanged();
    schedule.refresh();
    runs.revalidateSoon();
  });
  runs.onChange(() => {
    refreshDocument();
    runPanel.render();
    problems.render(runs.problems);
    gallery.render(runs.gallery);
  });
  engine.onConnection((state) => toolbar.setConnection(state));
  installShortcuts(commands);
  installFileDrop((name, bytes) => void doc.openBytes(name, bytes));
  const menuActions: Record<MenuCommand, () => void> = {
    new: commands.newDocument,
    open: commands.open,
    save: commands.save,
    saveAs: commands.saveAs,
    saveComfyUi: commands.saveComfyUi,
    loadDefault: commands.loadDefault,
    queue: commands.queue,
    cancel: commands.cancel,
    undo: commands.undo,
    redo: commands.redo,
  };
  preload?.onMenuCommand((raw) => {
    const command = parseShellPush('menuCommand', raw);
    if (command) menuActions[command]();
  });

  await doc.start();
  workbench.started();
  await runs.restoreHistory();
  refreshDocument();
  runPanel.render();
  problems.render([]);
  exposeDebugHandle({ editor, doc });
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  document.body.dataset.ready = 'failed';
  const message = error instanceof Error ? error.message : String(error);
  document.body.append(Object.assign(document.createElement('pre'), { className: 'startup-error', textContent: `ScaleCrafter Studio could not start:\n${message}` }));
  console.error(error);
});
