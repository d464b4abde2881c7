/** The top bar: document commands, undo/redo, queue/cancel, the document's name and the engine connection. */
import { EXECUTION_PROVIDER_PREFERENCES, type ExecutionProviderPreference } from '../../../app/protocol/index.js';
import type { ConnectionState } from '../engine/engine-api.js';
import { recentLabel, type RecentFile } from '../workflow/recent-files.js';
import { DocumentTitle } from './document-title.js';
import { button, element } from './element.js';

export interface ToolbarCommands {
  newDocument(): void;
  open(): void;
  openRecent(file: RecentFile): void;
  loadDefault(): void;
  save(): void;
  saveAs(): void;
  /** Writes the graph as a ComfyUI workflow file; the document stays as it is. */
  saveComfyUi(): void;
  undo(): void;
  redo(): void;
  rename(name: string): void;
  queue(): void;
  /** Queue the workflow without and with ScaleCrafter, and show the pair. */
  compare(): void;
  cancel(): void;
  /** Opens the "Render on farm" dialog; absent where the host has no farm (the desktop shell). */
  renderOnFarm?: () => void;
  /** The execution provider jobs ask for. */
  device: { readonly value: ExecutionProviderPreference; choose(choice: ExecutionProviderPreference): void };
}

export interface ToolbarState {
  name: string;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  running: boolean;
  recent: RecentFile[];
}

export class Toolbar {
  readonly #title: DocumentTitle;
  readonly #connection = element('span', { class: 'connection', 'data-testid': 'connection' });
  readonly #undo: HTMLButtonElement;
  readonly #redo: HTMLButtonElement;
  readonly #cancel: HTMLButtonElement;
  readonly #recent = element('select', { 'aria-label': 'Recent files', 'data-testid': 'recent-files' });
  readonly #device = element('select', { 'aria-label': 'Execution provider', title: 'Where jobs run; unavailable providers fall back to the next', 'data-testid': 'device' });
  #recentFiles: RecentFile[] = [];
  #recentKey = '';

  constructor(parent: HTMLElement, commands: ToolbarCommands) {
    this.#title = new DocumentTitle((name) => commands.rename(name));
    this.#undo = button('Undo', () => commands.undo(), { title: 'Undo (Ctrl+Z)', 'data-testid': 'undo' });
    this.#redo = button('Redo', () => commands.redo(), { title: 'Redo (Ctrl+Shift+Z)', 'data-testid': 'redo' });
    this.#cancel = button('Cancel', () => commands.cancel(), { title: 'Cancel the running job', 'data-testid': 'cancel' });
    this.#device.replaceChildren(...EXECUTION_PROVIDER_PREFERENCES.map((choice) => element('option', { value: choice }, choice === 'auto' ? 'device: auto' : choice)));
    this.#device.value = commands.device.value;
    this.#device.addEventListener('change', () => commands.device.choose(this.#device.value as ExecutionProviderPreference));
    this.#recent.addEventListener('change', () => {
      const file = this.#recentFiles[Number(this.#recent.value)];
      this.#recent.value = '';
      if (file) commands.openRecent(file);
    });
    parent.prepend(
      element(
        'header',
        { id: 'toolbar' },
        element('span', { class: 'brand' }, 'ScaleCrafter Studio'),
        button('New', () => commands.newDocument(), { title: 'New empty workflow', 'data-testid': 'new' }),
        button('Open…', () => commands.open(), { title: 'Open a workflow or a PNG made by this app (Ctrl+O)', 'data-testid': 'open' }),
        this.#recent,
        button('Default', () => commands.loadDefault(), { title: 'Load the default workflow', 'data-testid': 'load-default' }),
        button('Save', () => commands.save(), { title: 'Save (Ctrl+S)', 'data-testid': 'save' }),
        button('Save As…', () => commands.saveAs(), { title: 'Save As (Ctrl+Shift+S)', 'data-testid': 'save-as' }),
        button('For ComfyUI…', () => commands.saveComfyUi(), { title: 'Save as ComfyUI workflow: a file ComfyUI opens (ScaleCrafter nodes show there as missing nodes, kept)', 'data-testid': 'save-comfyui' }),
        element('span', { class: 'separator' }),
        this.#undo,
        this.#redo,
        element('span', { class: 'separator' }),
        button('Queue', () => commands.queue(), { class: 'primary', title: 'Queue the workflow (Ctrl+Enter)', 'data-testid': 'queue' }),
        button('Compare', () => commands.compare(), { title: 'Render this seed without ScaleCrafter (Direct) and with it, and show them side by side', 'data-testid': 'compare-direct' }),
        commands.renderOnFarm ? button('Render on farm…', commands.renderOnFarm, { title: 'Submit one job per combination of seeds, prompts, presets and sizes to a render farm', 'data-testid': 'render-on-farm' }) : null,
        this.#cancel,
        this.#device,
        this.#title.root,
        this.#connection,
      ),
    );
  }

  update(state: ToolbarState): void {
    this.#title.show(state.name, state.dirty);
    this.#undo.disabled = !state.canUndo;
    this.#redo.disabled = !state.canRedo;
    this.#cancel.disabled = !state.running;
    // Rebuilt only when the list changed: this runs on every progress event, and rebuilding would
    // close the drop-down in the user's hand.
    const key = JSON.stringify(state.recent.map((file) => [file.name, file.path, file.savedAt, file.kind]));
    if (key === this.#recentKey) return;
    this.#recentKey = key;
    this.#recentFiles = state.recent;
    this.#recent.replaceChildren(
      element('option', { value: '' }, state.recent.length ? 'Recent…' : 'No recent files'),
      ...state.recent.map((file, index) => element('option', { value: index }, recentLabel(file))),
    );
  }

  setConnection(state: ConnectionState): void {
    this.#connection.textContent = state === 'open' ? 'engine connected' : state === 'connecting' ? 'connecting…' : 'engine disconnected';
    this.#connection.dataset.state = state;
  }
}
