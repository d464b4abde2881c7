/**
 * Which key chord runs which command: Ctrl+S save, Ctrl+Shift+S save as, Ctrl+O open, Ctrl+Z undo,
 * Ctrl+Shift+Z / Ctrl+Y redo, Ctrl+Enter queue, Ctrl+Shift+Enter queue front (ComfyUI's); on the canvas (ComfyUI's keys) Ctrl+B bypass and
 * Ctrl+M mute the selected nodes, Ctrl+G groups them and "." fits the view (Cmd on macOS). In a
 * text field only queue, save and open apply. DOM-free so it is tested in plain Node.
 */
export type ShortcutCommand = 'save' | 'saveAs' | 'open' | 'undo' | 'redo' | 'queue' | 'queueFront' | 'bypass' | 'mute' | 'group' | 'fitView';

export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const CANVAS_CHORDS: Readonly<Record<string, ShortcutCommand>> = { b: 'bypass', m: 'mute', g: 'group' };

export function commandForKey(chord: KeyChord, inTextField: boolean): ShortcutCommand | null {
  const plain = !(chord.ctrlKey || chord.metaKey || chord.altKey || chord.shiftKey);
  if (plain && chord.key === '.' && !inTextField) return 'fitView';
  if (!(chord.ctrlKey || chord.metaKey) || chord.altKey) return null;
  const key = chord.key.toLowerCase();
  if (key === 'enter') return chord.shiftKey ? 'queueFront' : 'queue';
  if (key === 's') return chord.shiftKey ? 'saveAs' : 'save';
  if (key === 'o' && !chord.shiftKey) return 'open';
  if (inTextField) return null;
  if (key === 'z') return chord.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !chord.shiftKey) return 'redo';
  return chord.shiftKey ? null : (CANVAS_CHORDS[key] ?? null);
}
