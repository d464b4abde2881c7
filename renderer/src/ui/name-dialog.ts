/**
 * Asks for a document name in a small modal dialog (Save As in the browser, where no native save
 * dialog exists; Save of an untitled document). Resolves to the name typed, or null on Cancel or Escape.
 */
import { button, element } from './element.js';

export function askName(title: string, current: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = element('input', { type: 'text', value: current, 'aria-label': 'Name', 'data-testid': 'name-input', spellcheck: 'false' });
    const error = element('p', { class: 'name-error', 'aria-live': 'polite' });
    const dialog = element('dialog', { class: 'name-dialog', 'data-testid': 'name-dialog' });
    const finish = (value: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const submit = () => {
      const name = input.value.trim();
      if (name === '' || /[\\/:*?"<>|]/.test(name)) {
        error.textContent = 'A name without \\ / : * ? " < > |';
        return;
      }
      finish(name);
    };
    input.addEventListener('keydown', (event) => {
      // Typed text is not a canvas shortcut.
      event.stopPropagation();
      if (event.key !== 'Enter') return;
      // Handled here: the key must not go on to press the button that gets the focus back.
      event.preventDefault();
      submit();
    });
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    dialog.append(
      element('h2', {}, title),
      input,
      error,
      element('div', { class: 'name-buttons' }, button('Cancel', () => finish(null), { 'data-testid': 'name-cancel' }), button('Save', submit, { class: 'primary', 'data-testid': 'name-ok' })),
    );
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
    input.select();
  });
}
