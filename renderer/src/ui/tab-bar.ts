/** The workflow tabs above the canvas: one per open workflow (● when unsaved), ✕ to close, + for a new one. */
import type { TabSummary } from '../controllers/workflow-tabs.js';
import { button, element } from './element.js';

export interface TabBarActions {
  select(index: number): void;
  close(index: number): void;
  add(): void;
}

export class TabBar {
  readonly root = element('nav', { class: 'workflow-tabs', 'data-testid': 'workflow-tabs' });
  readonly #add: HTMLButtonElement;
  #key = '';

  constructor(private readonly actions: TabBarActions) {
    this.#add = button('+', () => actions.add(), { class: 'workflow-tab-add', title: 'New workflow tab', 'data-testid': 'tab-add' });
  }

  render(tabs: readonly TabSummary[]): void {
    // Rebuilt only when something shown changed: this runs on every edit.
    const key = JSON.stringify(tabs);
    if (key === this.#key) return;
    this.#key = key;
    this.root.replaceChildren(...tabs.map((tab, index) => this.#tab(tab, index)), this.#add);
  }

  #tab(tab: TabSummary, index: number): HTMLElement {
    const label = element('span', { class: 'workflow-tab-name' }, `${tab.dirty ? '● ' : ''}${tab.name}`);
    const close = button('✕', () => this.actions.close(index), { class: 'workflow-tab-close', title: `Close ${tab.name}`, 'data-testid': 'tab-close' });
    const root = element('div', { class: 'workflow-tab', role: 'tab', 'aria-selected': String(tab.active), 'data-dirty': String(tab.dirty), 'data-testid': 'workflow-tab', title: tab.name }, label, close);
    root.addEventListener('click', (event) => {
      if (!close.contains(event.target as Node)) this.actions.select(index);
    });
    return root;
  }
}
