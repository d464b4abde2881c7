/**
 * The open document: its graph history (undo/redo as immer patches), name, file path, whether it
 * has unsaved changes, autosave, recent files, and New / Open / Save / Save As / Save as ComfyUI / drop.
 * Everything that reaches the canvas goes through the engine's loadWorkflow request first, so our
 * older files are migrated and ComfyUI files imported exactly as the CLI would. A file opened
 * (Open, Recent, drop) goes where `openFilesWith` says, a tab of its own (as in ComfyUI), so it
 * never replaces work; New and Default replace the shown graph after asking.
 */
import type { ComfyUiExportResult, LoadWorkflowResult, Workflow } from '../../../app/protocol/index.js';
import { formatIssue, WORKFLOW_FORMAT, WORKFLOW_VERSION } from '../../../app/protocol/index.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { EngineApi } from '../engine/engine-api.js';
import type { WorkflowFiles } from '../files/workflow-files.js';
import { readAutosave, writeAutosave } from '../workflow/autosave.js';
import { PatchHistory } from '../workflow/patch-history.js';
import { parseRecentFiles, withRecentFile, type RecentFile } from '../workflow/recent-files.js';
import { documentNameOf, workflowJsonFromBytes } from '../workflow/workflow-source.js';

const RECENT_KEY = 'scalecrafter.recent.v1';

export interface DocumentNotices {
  info(text: string): void;
  error(text: string): void;
  /** Asks the user a yes/no question (discard unsaved work?); true = go on. */
  confirm(question: string): boolean;
}

/** A document as a workflow tab keeps it while another tab is shown. */
export interface DocumentState {
  history: PatchHistory<Workflow>;
  name: string;
  path: string | undefined;
  savedJson: string | null;
}

export class WorkflowDocument {
  #history: PatchHistory<Workflow>;
  #name = 'Untitled';
  #path: string | undefined;
  #savedJson: string | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #replaceListeners = new Set<() => void>();
  /** Makes the shown document the place for a file about to open (WorkflowTabs: a new tab). */
  #roomForFile: () => void = () => undefined;

  constructor(
    private readonly editor: GraphEditor,
    private readonly engine: EngineApi,
    private readonly files: WorkflowFiles,
    private readonly storage: Storage,
    private readonly notices: DocumentNotices,
    private readonly defaultWorkflow: unknown,
  ) {
    this.#history = new PatchHistory(editor.snapshot());
    editor.onEdit(() => this.#commitEdit());
  }

  get name(): string {
    return this.#name;
  }
  get dirty(): boolean {
    return JSON.stringify(this.#history.present) !== this.#savedJson;
  }
  get canUndo(): boolean {
    return this.#history.canUndo;
  }
  get canRedo(): boolean {
    return this.#history.canRedo;
  }
  get recentFiles(): RecentFile[] {
    return parseRecentFiles(this.storage.getItem(RECENT_KEY));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Another graph was opened (New, Open, drop, default): marks of the old one no longer apply. */
  onReplace(listener: () => void): () => void {
    this.#replaceListeners.add(listener);
    return () => this.#replaceListeners.delete(listener);
  }

  /** `makeRoom` runs once a file has been read and can be shown, before it replaces the shown graph. */
  openFilesWith(makeRoom: () => void): void {
    this.#roomForFile = makeRoom;
  }

  /** Nothing would be lost by showing another graph here: it is empty, or the default as it was opened. */
  isReusable(): boolean {
    // An edit still settling (a node just added to an empty graph) counts.
    this.#commitEdit();
    return this.#history.present.nodes.length === 0 || (this.#name === 'default' && this.#path === undefined && !this.dirty);
  }

  /** Restores the autosaved document, or opens the default workflow on a first start. */
  async start(): Promise<void> {
    const saved = readAutosave(this.storage);
    if (saved && (await this.#show(saved.workflow, { name: saved.name, path: saved.path, savedJson: saved.savedJson }))) {
      if (this.dirty) this.notices.info(`Restored unsaved changes to ${saved.name}`);
      return;
    }
    await this.#showDefault();
  }

  newDocument(): void {
    if (this.#mayDiscard()) this.#replace(emptyWorkflow(), { name: 'Untitled', path: undefined, savedJson: null });
  }

  async loadDefault(): Promise<void> {
    if (this.#mayDiscard()) await this.#showDefault();
  }

  async open(): Promise<void> {
    const file = await this.files.open().catch((error: unknown) => this.#fail(error));
    if (file) await this.openBytes(file.name, file.bytes, file.path);
  }

  /** A file opened or dropped on the canvas: a workflow .json, or a PNG that carries one. */
  async openBytes(fileName: string, bytes: Uint8Array, path?: string): Promise<boolean> {
    let json: unknown;
    try {
      json = workflowJsonFromBytes(fileName, bytes);
    } catch (error) {
      this.#fail(error);
      return false;
    }
    const name = documentNameOf(fileName);
    const shown = await this.#show(json, { name, path, savedJson: 'same' }, { inRoom: true });
    if (shown) this.#remember({ name, ...(path ? { path } : {}), text: this.#text(), savedAt: Date.now(), kind: 'opened' });
    return shown;
  }

  /** A recent entry; unsaved work opens as unsaved (marked ●), files as they were saved or opened. */
  async openRecent(entry: RecentFile): Promise<void> {
    if (entry.kind !== 'unsaved') {
      await this.openBytes(`${entry.name}.json`, new TextEncoder().encode(entry.text), entry.path);
      return;
    }
    let json: unknown;
    try {
      json = workflowJsonFromBytes(`${entry.name}.json`, new TextEncoder().encode(entry.text));
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.#show(json, { name: entry.name, path: entry.path, savedJson: null }, { inRoom: true });
  }

  /**
   * Gives the document another name (what Save suggests and the title shows). A desktop document
   * forgets its path, so the next Save asks where the renamed file goes instead of overwriting the old one.
   */
  rename(name: string): void {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed === this.#name) return;
    this.#name = documentNameOf(trimmed);
    this.#path = undefined;
    this.#changed();
  }

  async save(saveAs = false): Promise<boolean> {
    const workflow = this.editor.snapshot();
    this.#history.commit(workflow);
    const text = this.#text();
    const saved = await this.files
      .save(text, { suggestedName: `${this.#name}.json`, saveAs, ...(this.#path ? { path: this.#path } : {}) })
      .catch((error: unknown) => this.#fail(error));
    if (!saved) return false;
    this.#name = documentNameOf(saved.name);
    this.#path = saved.path;
    this.#savedJson = JSON.stringify(this.#history.present);
    this.#remember({ name: this.#name, text, savedAt: Date.now(), kind: 'saved', ...(saved.path ? { path: saved.path } : {}) });
    this.#changed();
    return true;
  }

  /**
   * Save as ComfyUI workflow: the engine's export of the graph on the canvas, always to a file the
   * user picks. The document keeps its own name, path and unsaved state: the ComfyUI file is a copy.
   */
  async saveComfyUi(): Promise<boolean> {
    let result: ComfyUiExportResult;
    try {
      result = await this.engine.request('exportComfyUi', { workflow: this.editor.snapshot() });
    } catch (error) {
      this.#fail(error);
      return false;
    }
    if (!result.ok) {
      this.notices.error(`${this.#name} cannot be written for ComfyUI:\n${result.issues.map(formatIssue).join('\n')}`);
      return false;
    }
    const text = `${JSON.stringify(result.workflow, null, 2)}\n`;
    const saved = await this.files.save(text, { suggestedName: `${this.#name}.comfyui.json`, saveAs: true }).catch((error: unknown) => this.#fail(error));
    if (!saved) return false;
    for (const note of result.notes) this.notices.info(note);
    this.notices.info(`Saved ${saved.name} for ComfyUI`);
    return true;
  }

  undo(): void {
    // An edit still settling (typing, a widget drag) is committed first, so undo undoes it.
    this.#commitEdit();
    const workflow = this.#history.undo();
    if (workflow) this.#applyHistory(workflow);
  }

  redo(): void {
    const workflow = this.#history.redo();
    if (workflow) this.#applyHistory(workflow);
  }

  /** The open document with its undo history, to be kept by its tab while another is shown. */
  detach(): DocumentState {
    this.#commitEdit();
    return { history: this.#history, name: this.#name, path: this.#path, savedJson: this.#savedJson };
  }

  /** Shows a tab's document (kept, or new): its graph, undo history, name and saved state. */
  attach(state: DocumentState): void {
    this.#history = state.history;
    this.editor.decorations.clearAll();
    this.editor.load(state.history.present);
    this.#name = state.name;
    this.#path = state.path;
    this.#savedJson = state.savedJson;
    for (const listener of this.#replaceListeners) listener();
    this.#changed();
  }

  /** Unsaved work is replaced only when the user says so (an empty graph holds none). */
  #mayDiscard(): boolean {
    return !hasUnsavedWork(this.detach()) || this.notices.confirm(`${this.#name} has unsaved changes. Discard them?`);
  }

  async #showDefault(): Promise<void> {
    await this.#show(this.defaultWorkflow, { name: 'default', path: undefined, savedJson: 'same' });
  }

  /**
   * Asks the engine to normalise `json`, then shows it (`inRoom`: where openFilesWith's callback
   * makes room); false (with a message) when it cannot be opened.
   */
  async #show(json: unknown, meta: { name: string; path: string | undefined; savedJson: string | null | 'same' }, { inRoom = false } = {}): Promise<boolean> {
    let result: LoadWorkflowResult;
    try {
      result = await this.engine.request('loadWorkflow', { workflow: json });
    } catch (error) {
      this.#fail(error);
      return false;
    }
    if (!result.ok) {
      this.notices.error(`${meta.name} cannot be opened:\n${result.issues.map(formatIssue).join('\n')}`);
      return false;
    }
    for (const note of result.notes) this.notices.info(note);
    if (result.unknownTypes.length > 0) this.notices.error(`Unknown node types (kept, but they cannot run): ${result.unknownTypes.join(', ')}`);
    if (inRoom) this.#roomForFile();
    this.#replace(result.workflow, meta);
    return true;
  }

  #replace(workflow: Workflow, meta: { name: string; path: string | undefined; savedJson: string | null | 'same' }): void {
    // Work the user chose to discard stays reachable from Recent.
    if (this.dirty && this.#history.present.nodes.length > 0) this.#remember({ name: this.#name, ...(this.#path ? { path: this.#path } : {}), text: this.#text(), savedAt: Date.now(), kind: 'unsaved' });
    this.editor.decorations.clearAll();
    this.editor.load(workflow);
    const shown = this.editor.snapshot();
    this.#history.reset(shown);
    this.#name = meta.name;
    this.#path = meta.path;
    this.#savedJson = meta.savedJson === 'same' ? JSON.stringify(shown) : meta.savedJson;
    for (const listener of this.#replaceListeners) listener();
    this.#changed();
  }

  #applyHistory(workflow: Workflow): void {
    this.editor.load(workflow, { fitView: false, keepSelection: true });
    this.#changed();
  }

  #commitEdit(): void {
    if (this.#history.commit(this.editor.snapshot())) this.#changed();
  }

  #changed(): void {
    writeAutosave(this.storage, { name: this.#name, ...(this.#path ? { path: this.#path } : {}), workflow: this.#history.present, savedJson: this.#savedJson });
    for (const listener of this.#listeners) listener();
  }

  /** The document as a file: what Save writes and Recent keeps. */
  #text(): string {
    return `${JSON.stringify(this.#history.present, null, 2)}\n`;
  }

  #remember(entry: RecentFile): void {
    this.storage.setItem(RECENT_KEY, JSON.stringify(withRecentFile(this.recentFiles, entry)));
  }

  #fail(error: unknown): null {
    this.notices.error(error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** Changed since its last save and not empty: closing or replacing it loses work. */
export function hasUnsavedWork(state: DocumentState): boolean {
  return JSON.stringify(state.history.present) !== state.savedJson && state.history.present.nodes.length > 0;
}

/** A new tab's document: empty and untitled. */
export function blankDocument(): DocumentState {
  return { history: new PatchHistory(emptyWorkflow()), name: 'Untitled', path: undefined, savedJson: null };
}

function emptyWorkflow(): Workflow {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, last_node_id: 0, last_link_id: 0, nodes: [], links: [], groups: [], extra: {} };
}
