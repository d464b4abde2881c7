/**
 * The full-window image viewer: a lightbox for one output, or a comparison of two (Direct against
 * ScaleCrafter, or any two pinned in the gallery) side by side or under a slider. Zoom with the
 * wheel, the buttons or the keys (+ − 0 fit, 1 full size), drag to pan, Escape closes.
 */
import type { ZoomState } from '../compare/zoom.js';
import { ZOOM_STEP } from '../compare/zoom.js';
import { button, element } from './element.js';
import { ViewerStage, type StageMode, type ViewerImage } from './viewer-stage.js';

export type { ViewerImage } from './viewer-stage.js';

export class ImageViewer {
  readonly #root = element('div', { class: 'image-viewer', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'image-viewer', hidden: true });
  readonly #title = element('span', { class: 'viewer-title', 'data-testid': 'viewer-title' });
  readonly #zoomText = element('span', { class: 'viewer-zoom', 'data-testid': 'viewer-zoom' });
  readonly #modes = element('span', { class: 'segmented viewer-modes' });
  readonly #side = button('Side by side', () => this.#setMode('side'), { 'aria-pressed': 'false', 'data-testid': 'viewer-side' });
  readonly #slider = button('Slider', () => this.#setMode('slider'), { 'aria-pressed': 'false', 'data-testid': 'viewer-slider' });
  readonly #stage = new ViewerStage((zoom) => this.#showZoom(zoom));
  readonly #onKey = (event: KeyboardEvent) => this.#key(event);

  constructor(parent: HTMLElement) {
    this.#modes.append(this.#side, this.#slider);
    const header = element(
      'header',
      { class: 'viewer-header' },
      this.#title,
      this.#modes,
      element('span', { class: 'separator' }),
      button('−', () => this.#stage.zoomBy(1 / ZOOM_STEP), { title: 'Zoom out (−)', 'data-testid': 'viewer-zoom-out' }),
      this.#zoomText,
      button('+', () => this.#stage.zoomBy(ZOOM_STEP), { title: 'Zoom in (+)', 'data-testid': 'viewer-zoom-in' }),
      button('Fit', () => this.#stage.fit(), { title: 'Show the whole image (0)', 'data-testid': 'viewer-fit' }),
      button('1:1', () => this.#stage.actualSize(), { title: 'Full size: one image pixel per screen pixel (1)', 'data-testid': 'viewer-actual' }),
      element('span', { class: 'viewer-spacer' }),
      button('Close', () => this.close(), { title: 'Close (Escape)', 'data-testid': 'viewer-close' }),
    );
    this.#root.append(header, this.#stage.root);
    parent.append(this.#root);
  }

  get isOpen(): boolean {
    return !this.#root.hidden;
  }

  /** One image: a lightbox. */
  show(image: ViewerImage, title = image.label): void {
    this.#open([image], 'single', title);
  }

  /** Two images: left and right, side by side first. */
  compare(left: ViewerImage, right: ViewerImage, title: string, mode: 'side' | 'slider' = 'side'): void {
    this.#open([left, right], mode, title);
  }

  close(): void {
    this.#root.hidden = true;
    window.removeEventListener('keydown', this.#onKey, true);
  }

  #open(images: ViewerImage[], mode: StageMode, title: string): void {
    this.#title.textContent = title;
    this.#modes.hidden = images.length < 2;
    this.#root.hidden = false;
    this.#root.dataset.mode = mode;
    this.#stage.show(images, mode);
    this.#pressMode(mode);
    // Captured before the canvas's own shortcuts: while the viewer is open, keys are the viewer's.
    window.addEventListener('keydown', this.#onKey, true);
  }

  #setMode(mode: 'side' | 'slider'): void {
    this.#root.dataset.mode = mode;
    this.#stage.setMode(mode);
    this.#pressMode(mode);
  }

  #pressMode(mode: StageMode): void {
    this.#side.setAttribute('aria-pressed', String(mode === 'side'));
    this.#slider.setAttribute('aria-pressed', String(mode === 'slider'));
  }

  #showZoom(zoom: ZoomState): void {
    this.#zoomText.textContent = `${Math.round(zoom.scale * 100)}%`;
  }

  #key(event: KeyboardEvent): void {
    const actions: Record<string, () => void> = {
      Escape: () => this.close(),
      '+': () => this.#stage.zoomBy(ZOOM_STEP),
      '=': () => this.#stage.zoomBy(ZOOM_STEP),
      '-': () => this.#stage.zoomBy(1 / ZOOM_STEP),
      '0': () => this.#stage.fit(),
      '1': () => this.#stage.actualSize(),
    };
    const action = actions[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    event.stopPropagation();
    action();
  }
}
