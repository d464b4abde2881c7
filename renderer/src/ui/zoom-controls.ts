/** Zoom out, the zoom level (click: 100 %), zoom in, fit the whole graph: the canvas's corner buttons. */
import type { ViewControl } from '../canvas/view-control.js';
import { button, element } from './element.js';

const STEP = 1.25;

export class ZoomControls {
  readonly #level: HTMLButtonElement;
  readonly root: HTMLElement;

  constructor(private readonly view: ViewControl) {
    this.#level = button('100%', () => view.zoomBy(1 / view.scale), { title: 'Zoom to 100 %', 'data-testid': 'zoom-level' });
    this.root = element(
      'div',
      { class: 'zoom-controls', 'data-testid': 'zoom-controls' },
      button('−', () => view.zoomBy(1 / STEP), { title: 'Zoom out', 'data-testid': 'zoom-out' }),
      this.#level,
      button('+', () => view.zoomBy(STEP), { title: 'Zoom in', 'data-testid': 'zoom-in' }),
      button('Fit', () => view.fit(), { title: 'Fit the whole graph (.)', 'data-testid': 'zoom-fit' }),
    );
    const tick = () => {
      const text = `${Math.round(view.scale * 100)}%`;
      if (this.#level.textContent !== text) this.#level.textContent = text;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }
}
