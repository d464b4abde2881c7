/**
 * Global litegraph settings for this app, applied once before the canvas is made.
 */
import { LiteGraph } from '@comfyorg/litegraph';
import { applyReadableText } from './readable-text.js';

export function configureLiteGraph(): void {
  // Double-click on empty canvas opens the node search; show every node before typing.
  LiteGraph.search_show_all_on_open = true;
  LiteGraph.search_hide_on_mouse_leave = false;
  // Releasing a dragged link on empty canvas offers the search, filtered to compatible nodes.
  LiteGraph.release_link_on_empty_shows_menu = true;
  // The prompt dialogs stay open while the pointer wanders off them.
  LiteGraph.dialog_close_on_mouse_leave = false;
  LiteGraph.snaps_for_comfy = true;
  LiteGraph.highlight_selected_group = true;
  applyReadableText();
}
