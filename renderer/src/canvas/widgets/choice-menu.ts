/**
 * A drop-down list laid over the canvas under a widget: one button per choice, built with
 * textContent (names come from files and folders; litegraph's own menu writes them as HTML).
 * Arrow keys move, Enter picks, Escape or a click elsewhere closes.
 */
export interface Choice {
  label: string;
  /** Shown dimmed after the label (a model's training size). */
  detail?: string;
  /** Listed but not pickable (the missing current value). */
  disabled?: boolean;
  pick?: () => void;
}

let open: { close(): void } | null = null;

/** `at.top` is where the list hangs from (the widget's bottom); `at.flipTop` where it rests on when there is no room below (the widget's top). */
export function openChoiceMenu(at: { left: number; top: number; flipTop: number; minWidth: number }, label: string, choices: readonly Choice[]): void {
  open?.close();
  const menu = document.createElement('div');
  menu.className = 'choice-menu';
  menu.setAttribute('role', 'listbox');
  menu.setAttribute('aria-label', label);
  menu.dataset.testid = 'choice-menu';
  Object.assign(menu.style, { left: `${at.left}px`, top: `${at.top}px`, minWidth: `${at.minWidth}px` });
  const buttons = choices.map((choice) => {
    const item = document.createElement('button');
    item.type = 'button';
    item.className = 'choice';
    item.setAttribute('role', 'option');
    item.disabled = choice.disabled === true;
    item.append(Object.assign(document.createElement('span'), { textContent: choice.label }));
    if (choice.detail) item.append(Object.assign(document.createElement('span'), { className: 'choice-detail', textContent: choice.detail }));
    item.addEventListener('click', () => {
      close();
      choice.pick?.();
    });
    menu.append(item);
    return item;
  });
  const onOutside = (event: PointerEvent) => {
    if (!menu.contains(event.target as Node)) close();
  };
  menu.addEventListener('keydown', (event) => {
    event.stopPropagation();
    const enabled = buttons.filter((item) => !item.disabled);
    const index = enabled.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') close();
    else if (event.key === 'ArrowDown') enabled[Math.min(enabled.length - 1, index + 1)]?.focus();
    else if (event.key === 'ArrowUp') enabled[Math.max(0, index - 1)]?.focus();
  });
  function close(): void {
    if (open !== handle) return;
    open = null;
    menu.remove();
    window.removeEventListener('pointerdown', onOutside, true);
  }
  const handle = { close };
  open = handle;
  document.body.append(menu);
  const height = menu.getBoundingClientRect().height;
  if (at.top + height > window.innerHeight - 4) menu.style.top = `${Math.max(4, at.flipTop - height - 2)}px`;
  window.addEventListener('pointerdown', onOutside, true);
  buttons.find((item) => !item.disabled)?.focus();
}
