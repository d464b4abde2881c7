/** The keyboard-shortcut panel: every key the editor answers to, grouped (controllers/shortcut-list.ts). */
import { SHORTCUT_GROUPS } from '../controllers/shortcut-list.js';
import { button, element } from './element.js';

export class ShortcutsDialog {
  readonly root = element('dialog', { class: 'app-dialog shortcuts-dialog', 'data-testid': 'shortcuts-dialog' });

  constructor() {
    this.root.append(
      element('h2', {}, 'Keyboard shortcuts'),
      ...SHORTCUT_GROUPS.map((group) =>
        element(
          'section',
          {},
          element('h3', {}, group.title),
          element('table', {}, element('tbody', {}, ...group.entries.map((entry) => element('tr', { 'data-testid': 'shortcut' }, element('td', {}, element('kbd', {}, entry.keys)), element('td', {}, entry.does))))),
        ),
      ),
      element('div', { class: 'dialog-buttons' }, button('Close', () => this.root.close(), { 'data-testid': 'shortcuts-close' })),
    );
    document.body.append(this.root);
  }

  open(): void {
    this.root.showModal();
  }
}
