/**
 * The document's name in the toolbar (● while unsaved). Clicking it edits the name in place: Enter
 * or leaving the box renames the document, Escape keeps the old name.
 */
import { element } from './element.js';

export class DocumentTitle {
  readonly root = element('span', { class: 'document-title-host' });
  readonly #label = element('span', { class: 'document-title', role: 'button', tabindex: 0, title: 'Rename (click)', 'data-testid': 'document-title' });
  #name = '';

  constructor(private readonly rename: (name: string) => void) {
    this.#label.addEventListener('click', () => this.#edit());
    this.#label.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.#edit();
    });
    this.root.append(this.#label);
  }

  show(name: string, dirty: boolean): void {
    this.#name = name;
    this.#label.textContent = `${dirty ? '● ' : ''}${name}`;
    this.#label.dataset.dirty = String(dirty);
  }

  #edit(): void {
    const input = element('input', { type: 'text', class: 'document-title-input', value: this.#name, 'aria-label': 'Document name', 'data-testid': 'document-title-input', spellcheck: 'false' });
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      input.replaceWith(this.#label);
      if (commit) this.rename(input.value);
    };
    input.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key !== 'Enter' && event.key !== 'Escape') return;
      // The title takes the focus back; the key must not reopen the editor there.
      event.preventDefault();
      finish(event.key === 'Enter');
    });
    input.addEventListener('blur', () => finish(true));
    this.#label.replaceWith(input);
    input.focus();
    input.select();
  }
}
