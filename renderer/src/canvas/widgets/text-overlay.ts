/**
 * An HTML text box laid over a canvas widget while it is edited: a textarea for prompts, an
 * <input> with a <datalist> for STRING widgets with suggestions (a combo that still takes free
 * text). Edits reach the widget as they are typed; Escape restores the old value; the box closes
 * when it loses focus.
 */
import type { LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';

export interface TextOverlayOptions {
  canvas: LGraphCanvas;
  node: LGraphNode;
  /** The widget's box in node coordinates: x, y, width, height. */
  box: [number, number, number, number];
  value: string;
  multiline: boolean;
  suggestions?: readonly string[];
  label: string;
  onInput(value: string): void;
}

let open: { close(): void } | null = null;

export function openTextOverlay(options: TextOverlayOptions): void {
  open?.close();
  const { canvas, node, box } = options;
  const element = options.multiline ? document.createElement('textarea') : document.createElement('input');
  element.className = 'widget-text-overlay';
  element.value = options.value;
  element.setAttribute('aria-label', options.label);
  element.spellcheck = options.multiline;
  const datalist = options.suggestions ? suggestionList(options.suggestions) : null;
  if (datalist && element instanceof HTMLInputElement) element.setAttribute('list', datalist.id);

  const offset = canvas.convertOffsetToCanvas([node.pos[0] + box[0], node.pos[1] + box[1]], [0, 0]);
  const [left, top] = [offset[0]!, offset[1]!];
  const rect = canvas.canvas.getBoundingClientRect();
  const scale = canvas.ds.scale;
  Object.assign(element.style, {
    left: `${rect.left + left}px`,
    top: `${rect.top + top}px`,
    width: `${box[2] * scale}px`,
    height: `${box[3] * scale}px`,
    fontSize: `${Math.max(11, 13 * scale)}px`,
  });
  const original = options.value;
  element.addEventListener('input', () => options.onInput(element.value));
  (element as HTMLElement).addEventListener('keydown', (event: KeyboardEvent) => {
    // Keys typed here are text, not canvas shortcuts (Delete must not delete the node).
    event.stopPropagation();
    if (event.key === 'Escape') {
      options.onInput(original);
      close();
    } else if (event.key === 'Enter' && !options.multiline) {
      close();
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      // Ctrl+Enter queues (handled at the window); let it bubble as a fresh event after closing.
      close();
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: event.ctrlKey, metaKey: event.metaKey }));
    }
  });
  element.addEventListener('blur', () => close());

  function close(): void {
    if (open !== handle) return;
    open = null;
    element.remove();
    datalist?.remove();
    canvas.setDirty(true, true);
  }
  const handle = { close };
  open = handle;
  document.body.append(element);
  if (datalist) document.body.append(datalist);
  element.focus();
  if (!options.multiline) element.select();
}

let datalistCounter = 0;

function suggestionList(values: readonly string[]): HTMLDataListElement {
  const list = document.createElement('datalist');
  list.id = `widget-suggestions-${++datalistCounter}`;
  for (const value of values) {
    const option = document.createElement('option');
    option.value = value;
    list.append(option);
  }
  return list;
}
