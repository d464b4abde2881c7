/** Short-lived messages in the corner: import notes, node messages, errors (which stay until clicked). */
import { element } from './element.js';

export class Notices {
  readonly #root = element('div', { id: 'notices', role: 'status', 'aria-live': 'polite' });

  constructor(parent: HTMLElement) {
    parent.append(this.#root);
  }

  info(text: string): void {
    this.#show(text, 'info', 6000);
  }

  /** Stays until clicked, or until the returned function is called (its cause went away). */
  error(text: string): () => void {
    return this.#show(text, 'error', null);
  }

  #show(text: string, level: 'info' | 'error', timeoutMs: number | null): () => void {
    const notice = element('div', { class: `notice notice-${level}`, 'data-level': level, title: 'click to dismiss' }, text);
    notice.addEventListener('click', () => notice.remove());
    this.#root.append(notice);
    if (timeoutMs !== null) setTimeout(() => notice.remove(), timeoutMs);
    while (this.#root.childElementCount > 6) this.#root.firstElementChild?.remove();
    return () => notice.remove();
  }
}
