/**
 * Which key chord runs which document command: Ctrl+S save, Ctrl+Shift+S save as, Ctrl+O open,
 * Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo, Ctrl+Enter queue (Cmd on macOS). In a text field, undo
 * and redo stay the field's own. DOM-free so it is tested in plain Node.
 */
export type ShortcutCommand = 'save' | 'saveAs' | 'open' | 'undo' | 'redo' | 'queue';

export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function commandForKey(chord: KeyChord, inTextField: boolean): ShortcutCommand | null {
  if (!(chord.ctrlKey || chord.metaKey) || chord.altKey) return null;
  const key = chord.key.toLowerCase();
  if (key === 'enter') return 'queue';
  if (key === 's') return chord.shiftKey ? 'saveAs' : 'save';
  if (key === 'o' && !chord.shiftKey) return 'open';
  if (inTextField) return null;
  if (key === 'z') return chord.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !chord.shiftKey) return 'redo';
  return null;
}
