/**
 * Every key the editor answers to, as the keyboard-shortcut panel lists them. The document keys
 * name the command shortcut-map.ts runs for them (a test checks each chord against it); litegraph's
 * own canvas keys are listed with what they do. DOM-free.
 */
import type { KeyChord, ShortcutCommand } from './shortcut-map.js';

export interface ShortcutEntry {
  /** As shown, Ctrl standing for Cmd on macOS. */
  keys: string;
  does: string;
  /** The chord as a keydown carries it, for the document keys. */
  chord?: Partial<KeyChord> & { key: string };
  command?: ShortcutCommand;
}

export interface ShortcutGroup {
  title: string;
  entries: readonly ShortcutEntry[];
}

const ctrl = (key: string, shiftKey = false) => ({ key, ctrlKey: true, shiftKey });

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Workflow',
    entries: [
      { keys: 'Ctrl+Enter', does: 'Queue the workflow (batch count times)', chord: ctrl('Enter'), command: 'queue' },
      { keys: 'Ctrl+Shift+Enter', does: 'Queue the workflow before the jobs waiting', chord: ctrl('Enter', true), command: 'queueFront' },
      { keys: 'Ctrl+S', does: 'Save', chord: ctrl('s'), command: 'save' },
      { keys: 'Ctrl+Shift+S', does: 'Save As', chord: ctrl('S', true), command: 'saveAs' },
      { keys: 'Ctrl+O', does: 'Open a workflow or PNG', chord: ctrl('o'), command: 'open' },
      { keys: 'Ctrl+Z', does: 'Undo', chord: ctrl('z'), command: 'undo' },
      { keys: 'Ctrl+Shift+Z, Ctrl+Y', does: 'Redo', chord: ctrl('Z', true), command: 'redo' },
    ],
  },
  {
    title: 'Canvas',
    entries: [
      { keys: 'Ctrl+B', does: 'Bypass the selected nodes (again: back on)', chord: ctrl('b'), command: 'bypass' },
      { keys: 'Ctrl+M', does: 'Mute the selected nodes (again: back on)', chord: ctrl('m'), command: 'mute' },
      { keys: 'Ctrl+G', does: 'Group the selected nodes', chord: ctrl('g'), command: 'group' },
      { keys: '.', does: 'Fit the whole graph in view', chord: { key: '.' }, command: 'fitView' },
      { keys: 'Double-click', does: 'Search nodes (ComfyUI names too) and add one' },
      { keys: 'Ctrl+A', does: 'Select every node' },
      { keys: 'Ctrl+C, Ctrl+V', does: 'Copy, paste the selected nodes' },
      { keys: 'Delete', does: 'Delete the selected nodes' },
      { keys: 'Space + drag, drag on empty canvas', does: 'Pan' },
      { keys: 'Wheel', does: 'Zoom' },
      { keys: 'Shift + drag', does: 'Snap the dragged nodes to the grid (always, with Snap to grid on)' },
    ],
  },
];
