/**
 * Document shortcuts (shortcut-map.ts says which), handled at the window in the capture phase so
 * they work wherever focus is. Delete, copy and paste are litegraph's own, on the canvas.
 */
import { commandForKey, type ShortcutCommand } from './shortcut-map.js';

export type ShortcutCommands = Record<ShortcutCommand, () => void>;

export function installShortcuts(commands: ShortcutCommands): void {
  window.addEventListener(
    'keydown',
    (event) => {
      const target = event.target;
      const inTextField = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable);
      const command = commandForKey(event, inTextField);
      if (!command) return;
      event.preventDefault();
      event.stopPropagation();
      commands[command]();
    },
    true,
  );
}
