/**
 * The canvas's view (zoom and pan) and where its nodes are, as plain numbers: what the zoom buttons
 * and the minimap work with, without knowing litegraph.
 */
import { LiteGraph, type LGraphCanvas } from '@comfyorg/litegraph';
import type { Box } from '../view/minimap-geometry.js';

export interface NodeBox extends Box {
  colour: string;
}

export class ViewControl {
  constructor(
    private readonly canvas: LGraphCanvas,
    readonly fit: () => void,
  ) {}

  get scale(): number {
    return this.canvas.ds.scale;
  }

  /** Zoom and pan, to be given back to a workflow tab when it is shown again. */
  get state(): { scale: number; offset: [number, number] } {
    const { ds } = this.canvas;
    return { scale: ds.scale, offset: [ds.offset[0], ds.offset[1]] };
  }

  set state(state: { scale: number; offset: [number, number] }) {
    this.canvas.ds.scale = state.scale;
    this.canvas.ds.offset = state.offset;
    this.canvas.setDirty(true, true);
  }

  /** Zooms about the centre of the view, within litegraph's limits. */
  zoomBy(factor: number): void {
    const element = this.canvas.canvas;
    this.canvas.ds.changeScale(this.scale * factor, [element.clientWidth / 2, element.clientHeight / 2]);
    this.canvas.setDirty(true, true);
  }

  /** The part of the graph on screen, in graph units. */
  visibleArea(): Box {
    const { ds, canvas: element } = this.canvas;
    return { left: -ds.offset[0], top: -ds.offset[1], width: element.clientWidth / ds.scale, height: element.clientHeight / ds.scale };
  }

  /** Pans so that the graph point (x, y) is in the middle of the view. */
  centreOn(x: number, y: number): void {
    const area = this.visibleArea();
    this.canvas.ds.offset = [area.width / 2 - x, area.height / 2 - y];
    this.canvas.setDirty(true, true);
  }

  /** Each node's box, title bar included, with the colour it is drawn in. */
  nodeBoxes(): NodeBox[] {
    return (this.canvas.graph?._nodes ?? []).map((node) => ({
      left: node.pos[0],
      top: node.pos[1] - LiteGraph.NODE_TITLE_HEIGHT,
      width: node.size[0],
      height: node.size[1] + LiteGraph.NODE_TITLE_HEIGHT,
      colour: node.bgcolor ?? node.color ?? LiteGraph.NODE_DEFAULT_BGCOLOR,
    }));
  }
}
