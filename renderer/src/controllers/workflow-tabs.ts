/**
 * Several open workflows, one tab each (ComfyUI's workflow tabs). The shown tab's document lives in
 * the WorkflowDocument (and the canvas); the others keep their DocumentState, undo history and view
 * included, until they are shown again. Closing a tab with unsaved work asks first. A file opened
 * (Open, Recent, drop) gets a new tab, as in ComfyUI, unless the shown tab is empty or the untouched
 * default. The tabs are kept in Web Storage after every change (workflow/tab-storage.ts).
 */
import { PatchHistory } from '../workflow/patch-history.js';
import { readTabs, writeTabs } from '../workflow/tab-storage.js';
import type { SettingStore } from '../run/device-setting.js';
import { blankDocument, hasUnsavedWork, type DocumentState, type WorkflowDocument } from './workflow-document.js';

export interface ViewState {
  scale: number;
  offset: [number, number];
}

interface Tab {
  /** null for the shown tab: its document is the WorkflowDocument's. */
  state: DocumentState | null;
  view?: ViewState;
}

export interface TabSummary {
  name: string;
  dirty: boolean;
  active: boolean;
}

export interface TabHost {
  confirm(question: string): boolean;
  view: { get(): ViewState; set(view: ViewState): void };
}

export class WorkflowTabs {
  #tabs: Tab[] = [{ state: null }];
  /** Until the last session's tabs are read back, the document's start-up must not overwrite them. */
  #restored = false;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly doc: WorkflowDocument,
    private readonly storage: SettingStore,
    private readonly host: TabHost,
  ) {
    doc.onChange(() => this.#changed());
    doc.openFilesWith(() => {
      if (!doc.isReusable()) this.add();
    });
  }

  get active(): number {
    return this.#tabs.findIndex((tab) => tab.state === null);
  }

  get summaries(): TabSummary[] {
    return this.#tabs.map(({ state }) =>
      state ? { name: state.name, dirty: JSON.stringify(state.history.present) !== state.savedJson, active: false } : { name: this.doc.name, dirty: this.doc.dirty, active: true },
    );
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  /** Brings back the tabs of the last session around the document WorkflowDocument.start restored. */
  restore(): void {
    const stored = readTabs(this.storage);
    this.#restored = true;
    if (stored) this.#tabs = stored.tabs.map((tab) => ({ state: tab ? { history: new PatchHistory(tab.workflow), name: tab.name, path: tab.path, savedJson: tab.savedJson } : null }));
    this.#changed();
  }

  /** A new tab with an empty, untitled workflow, shown. */
  add(): void {
    this.open(blankDocument());
  }

  /** A new tab holding `state`, shown. */
  open(state: DocumentState): void {
    this.#tabs.push({ state });
    this.select(this.#tabs.length - 1);
  }

  select(index: number): void {
    const target = this.#tabs[index];
    const current = this.#tabs[this.active];
    if (!target?.state || !current) return;
    current.state = this.doc.detach();
    current.view = this.host.view.get();
    const { state, view } = target;
    target.state = null;
    this.doc.attach(state);
    if (view) this.host.view.set(view);
  }

  /** Closes a tab, asking first when it holds unsaved work; the last tab closed leaves an empty one. */
  close(index: number): boolean {
    const tab = this.#tabs[index];
    if (!tab) return false;
    const state = tab.state ?? this.doc.detach();
    if (hasUnsavedWork(state) && !this.host.confirm(`${state.name} has unsaved changes. Discard them?`)) return false;
    if (tab.state !== null) {
      this.#tabs.splice(index, 1);
      this.#changed();
      return true;
    }
    if (this.#tabs.length === 1) {
      this.#tabs = [{ state: null }];
      this.doc.attach(blankDocument());
      return true;
    }
    const next = index === this.#tabs.length - 1 ? index - 1 : index + 1;
    this.select(next);
    this.#tabs.splice(index, 1);
    this.#changed();
    return true;
  }

  #changed(): void {
    if (this.#restored) {
      writeTabs(this.storage, {
        active: this.active,
        tabs: this.#tabs.map(({ state }) => (state ? { name: state.name, ...(state.path ? { path: state.path } : {}), workflow: state.history.present, savedJson: state.savedJson } : null)),
      });
    }
    for (const listener of this.#listeners) listener();
  }
}
