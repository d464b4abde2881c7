/** The editor settings put into litegraph: link render mode, snapping while dragging, grid size. */
import { LiteGraph, type LGraphCanvas } from '@comfyorg/litegraph';
import type { EditorSettings, LinkStyle } from '../settings/editor-settings.js';

const LINK_MODES: Readonly<Record<LinkStyle, typeof LiteGraph.SPLINE_LINK>> = {
  spline: LiteGraph.SPLINE_LINK,
  linear: LiteGraph.LINEAR_LINK,
  straight: LiteGraph.STRAIGHT_LINK,
};

export function applyEditorSettings(canvas: LGraphCanvas, settings: EditorSettings): void {
  canvas.links_render_mode = LINK_MODES[settings.linkStyle];
  LiteGraph.alwaysSnapToGrid = settings.snapToGrid;
  LiteGraph.CANVAS_GRID_SIZE = settings.gridSize;
  canvas.setDirty(true, true);
}
