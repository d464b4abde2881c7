/**
 * The minimap in the canvas's corner (as ComfyUI's): every node as a block, the visible area as a
 * frame; click or drag on it to move the view there. Redrawn on the next frame after anything it
 * shows changed. Carries its transform and the visible area as data attributes for the tests.
 */
import type { ViewControl } from '../canvas/view-control.js';
import { fitTransform, toGraph, toMinimap, unionOf, type MinimapTransform } from '../view/minimap-geometry.js';
import { element } from './element.js';

const WIDTH = 220;
const HEIGHT = 150;
const MARGIN = 8;

export class Minimap {
  readonly root = element('canvas', { class: 'minimap', width: WIDTH, height: HEIGHT, 'data-testid': 'minimap', title: 'Click or drag to move the view' });
  #transform: MinimapTransform | null = null;
  #drawn = '';

  constructor(private readonly view: ViewControl) {
    this.root.addEventListener('pointerdown', (event) => {
      this.root.setPointerCapture(event.pointerId);
      this.#moveTo(event);
    });
    this.root.addEventListener('pointermove', (event) => {
      if (this.root.hasPointerCapture(event.pointerId)) this.#moveTo(event);
    });
    const tick = () => {
      if (!this.root.hidden) this.#draw();
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  #moveTo(event: PointerEvent): void {
    if (!this.#transform) return;
    // offsetX/Y are inside the border, in CSS pixels; the drawing is WIDTH × HEIGHT canvas pixels.
    const [x, y] = toGraph(this.#transform, (event.offsetX * WIDTH) / this.root.clientWidth, (event.offsetY * HEIGHT) / this.root.clientHeight);
    this.view.centreOn(x, y);
  }

  #draw(): void {
    const nodes = this.view.nodeBoxes();
    const area = this.view.visibleArea();
    const key = JSON.stringify([nodes, area]);
    if (key === this.#drawn) return;
    this.#drawn = key;
    // The frame is part of what is fitted, so it never leaves the map however far the view wanders.
    const content = unionOf([...nodes, area])!;
    const transform = (this.#transform = fitTransform(content, { width: WIDTH, height: HEIGHT }, MARGIN));
    const context = this.root.getContext('2d')!;
    context.clearRect(0, 0, WIDTH, HEIGHT);
    for (const node of nodes) {
      const box = toMinimap(transform, node);
      context.fillStyle = node.colour;
      context.fillRect(box.left, box.top, Math.max(box.width, 2), Math.max(box.height, 2));
    }
    const frame = toMinimap(transform, area);
    context.strokeStyle = '#4a90d9';
    context.lineWidth = 1.5;
    context.strokeRect(frame.left, frame.top, frame.width, frame.height);
    Object.assign(this.root.dataset, { scale: String(transform.scale), originX: String(transform.originX), originY: String(transform.originY), nodes: String(nodes.length), viewport: [area.left, area.top, area.width, area.height].join(',') });
  }
}
