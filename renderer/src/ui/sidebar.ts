/**
 * The left side bar (ComfyUI's): a strip of tab buttons (Nodes, Queue) that open their pane
 * beside the canvas (the open tab's button closes it again), and buttons for the Settings and
 * keyboard-shortcut dialogs at the bottom. Which pane is open is remembered.
 */
import type { SettingStore } from '../run/device-setting.js';
import { button, element } from './element.js';

export interface SidebarPane {
  id: string;
  label: string;
  icon: string;
  content: HTMLElement;
}

export interface SidebarAction {
  label: string;
  icon: string;
  testId: string;
  run(): void;
}

const KEY = 'scalecrafter.sidebar.v1';

export class Sidebar {
  readonly #strip = element('nav', { id: 'activity-bar', 'data-testid': 'activity-bar' });
  readonly #pane = element('aside', { id: 'left-panel', 'data-testid': 'left-panel' });
  readonly #buttons = new Map<string, HTMLButtonElement>();

  constructor(
    workspace: HTMLElement,
    private readonly panes: readonly SidebarPane[],
    actions: readonly SidebarAction[],
    private readonly storage: SettingStore,
  ) {
    for (const pane of panes) this.#buttons.set(pane.id, button(pane.icon, () => this.toggle(pane.id), { class: 'activity', title: pane.label, 'aria-label': pane.label, 'data-testid': `sidebar-${pane.id}` }));
    this.#strip.append(...this.#buttons.values(), element('span', { class: 'activity-spacer' }), ...actions.map((action) => button(action.icon, () => action.run(), { class: 'activity', title: action.label, 'aria-label': action.label, 'data-testid': action.testId })));
    workspace.prepend(this.#strip, this.#pane);
    this.#show(storage.getItem(KEY) ?? '');
  }

  /** A short count on a tab's button (the queue's running and waiting jobs), shown while the pane is closed too; '' removes it. */
  setBadge(id: string, text: string): void {
    const toggle = this.#buttons.get(id);
    if (!toggle) return;
    if (text === '') delete toggle.dataset.badge;
    else toggle.dataset.badge = text;
  }

  toggle(id: string): void {
    const open = this.#pane.dataset.open === id ? '' : id;
    this.storage.setItem(KEY, open);
    this.#show(open);
  }

  #show(id: string): void {
    const pane = this.panes.find((candidate) => candidate.id === id);
    this.#pane.hidden = !pane;
    this.#pane.dataset.open = pane?.id ?? '';
    this.#pane.replaceChildren(...(pane ? [element('h2', {}, pane.label), pane.content] : []));
    for (const [paneId, toggle] of this.#buttons) toggle.setAttribute('aria-pressed', String(paneId === pane?.id));
  }
}
