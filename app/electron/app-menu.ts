/**
 * The application menu as data. Items that act on the document send a command to the renderer,
 * which owns the document; their shortcuts are shown but not registered with the OS
 * (registerAccelerator: false), because the page handles the same keys itself — in browser mode
 * too — and a registered Ctrl+Z would steal undo from the prompt text boxes.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../protocol/index.js';

export function applicationMenu(send: (command: MenuCommand) => void, platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => send(command),
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
  });
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      item('New', 'new', 'CmdOrCtrl+N'),
      item('Open…', 'open', 'CmdOrCtrl+O'),
      item('Load Default Workflow', 'loadDefault'),
      { type: 'separator' },
      item('Save', 'save', 'CmdOrCtrl+S'),
      item('Save As…', 'saveAs', 'CmdOrCtrl+Shift+S'),
      item('Save as ComfyUI Workflow…', 'saveComfyUi'),
      { type: 'separator' },
      platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      item('Undo', 'undo', 'CmdOrCtrl+Z'),
      item('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
      { type: 'separator' },
      // Text fields (prompts) keep the platform's clipboard roles.
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const run: MenuItemConstructorOptions = {
    label: 'Run',
    submenu: [item('Queue Prompt', 'queue', 'CmdOrCtrl+Enter'), item('Cancel Current Job', 'cancel')],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'togglefullscreen' }],
  };
  return [...(platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, edit, run, view];
}
