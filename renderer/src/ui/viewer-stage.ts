/**
 * The image viewer's picture area: one image, two side by side, or two under a slider (the left
 * image shows left of the split, the right one right of it). All panes share one zoom and pan, so
 * the same detail lines up in both; the wheel zooms about the pointer, a drag pans, a drag on the
 * split line (or the range input under it) moves the split.
 */
import { fitted, fullSize, panned, zoomedAt, ZOOM_STEP, type ZoomState } from '../compare/zoom.js';
import { element } from './element.js';

export interface ViewerImage {
  url: string;
  label: string;
  jobId?: string;
}

export type StageMode = 'single' | 'side' | 'slider';

/** Above this many screen pixels per image pixel, pixels are drawn as squares rather than blurred. */
const PIXELATED_FROM = 2;

export class ViewerStage {
  readonly root = element('div', { class: 'viewer-stage', 'data-testid': 'viewer-stage' });
  #images: ViewerImage[] = [];
  #elements: HTMLImageElement[] = [];
  #zoom: ZoomState = fullSize();
  #split = 50;
  #fittedOnce = false;
  readonly #slider = element('input', { type: 'range', min: 0, max: 100, step: 0.1, class: 'viewer-split', 'aria-label': 'Split', 'data-testid': 'viewer-split' });

  constructor(private readonly onZoom: (zoom: ZoomState) => void) {
    this.#slider.addEventListener('input', () => this.#setSplit(Number(this.#slider.value)));
    this.root.addEventListener('wheel', (event) => this.#onWheel(event), { passive: false });
    this.root.addEventListener('pointerdown', (event) => this.#onPointerDown(event));
  }

  get zoom(): ZoomState {
    return this.#zoom;
  }

  show(images: ViewerImage[], mode: StageMode): void {
    this.#images = images;
    this.#fittedOnce = false;
    this.#zoom = fullSize();
    this.setMode(mode);
  }

  setMode(mode: StageMode): void {
    this.root.dataset.mode = mode;
    this.#elements = this.#images.map((image, index) => this.#imageElement(image, index));
    if (mode === 'slider') this.root.replaceChildren(this.#sliderPane());
    else this.root.replaceChildren(...this.#elements.map((picture, index) => this.#pane(picture, this.#images[index]!.label)));
    this.#layout();
  }

  fit(): void {
    const pane = this.root.querySelector('.viewer-pane');
    const largest = this.#elements.reduce((size, picture) => ({ width: Math.max(size.width, picture.naturalWidth), height: Math.max(size.height, picture.naturalHeight) }), { width: 0, height: 0 });
    this.#setZoom(pane ? fitted(largest, { width: pane.clientWidth, height: pane.clientHeight }) : fullSize());
  }

  actualSize(): void {
    this.#setZoom(fullSize());
  }

  zoomBy(factor: number): void {
    this.#setZoom(zoomedAt(this.#zoom, factor));
  }

  #imageElement(image: ViewerImage, index: number): HTMLImageElement {
    const picture = element('img', { src: image.url, alt: image.label, draggable: 'false', class: 'viewer-image', 'data-testid': 'viewer-image', 'data-side': index === 0 ? 'left' : 'right', 'data-job-id': image.jobId });
    picture.addEventListener('load', () => {
      // The first time every image is known, show them whole; later loads (mode switches) keep the user's zoom.
      if (!this.#fittedOnce && this.#elements.every((each) => each.naturalWidth > 0)) {
        this.#fittedOnce = true;
        this.fit();
      } else this.#layout();
    });
    return picture;
  }

  #pane(picture: HTMLImageElement, label: string): HTMLElement {
    return element('div', { class: 'viewer-pane' }, picture, element('span', { class: 'viewer-label' }, label));
  }

  #sliderPane(): HTMLElement {
    const [under, over] = this.#elements;
    const clip = element('div', { class: 'viewer-clip', 'data-testid': 'viewer-clip' }, over);
    const divider = element('div', { class: 'viewer-divider', 'data-testid': 'viewer-divider' });
    divider.addEventListener('pointerdown', (event) => this.#dragSplit(event));
    const pane = element(
      'div',
      { class: 'viewer-pane slider' },
      under,
      clip,
      divider,
      element('span', { class: 'viewer-label' }, this.#images[0]?.label ?? ''),
      element('span', { class: 'viewer-label right' }, this.#images[1]?.label ?? ''),
    );
    return element('div', { class: 'viewer-slider-host' }, pane, this.#slider);
  }

  #setSplit(percent: number): void {
    this.#split = Math.min(100, Math.max(0, percent));
    this.#slider.value = String(this.#split);
    this.root.dataset.split = this.#split.toFixed(1);
    const clip = this.root.querySelector<HTMLElement>('.viewer-clip');
    if (clip) clip.style.clipPath = `inset(0 0 0 ${this.#split}%)`;
    const divider = this.root.querySelector<HTMLElement>('.viewer-divider');
    if (divider) divider.style.left = `${this.#split}%`;
  }

  #dragSplit(event: PointerEvent): void {
    event.stopPropagation();
    const pane = (event.currentTarget as HTMLElement).parentElement!;
    followPointer((moved) => {
      const rect = pane.getBoundingClientRect();
      this.#setSplit(((moved.clientX - rect.left) / rect.width) * 100);
    });
  }

  #onWheel(event: WheelEvent): void {
    event.preventDefault();
    const pane = (event.target as HTMLElement).closest('.viewer-pane');
    const rect = (pane ?? this.root).getBoundingClientRect();
    const point = { x: event.clientX - rect.left - rect.width / 2, y: event.clientY - rect.top - rect.height / 2 };
    this.#setZoom(zoomedAt(this.#zoom, event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, point));
  }

  #onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || (event.target as HTMLElement).closest('.viewer-split')) return;
    let last = { x: event.clientX, y: event.clientY };
    followPointer((moved) => {
      this.#setZoom(panned(this.#zoom, moved.clientX - last.x, moved.clientY - last.y));
      last = { x: moved.clientX, y: moved.clientY };
    });
  }

  #setZoom(zoom: ZoomState): void {
    this.#zoom = zoom;
    this.#layout();
    this.onZoom(zoom);
  }

  /** Sizes every image by the shared zoom (width/height, not a transform, so the pixels stay crisp). */
  #layout(): void {
    const { scale, x, y } = this.#zoom;
    this.root.dataset.zoom = scale.toFixed(3);
    for (const picture of this.#elements) {
      Object.assign(picture.style, {
        width: `${picture.naturalWidth * scale}px`,
        height: `${picture.naturalHeight * scale}px`,
        transform: `translate(calc(-50% + ${x}px), calc(-50% + ${y}px))`,
        imageRendering: scale >= PIXELATED_FROM ? 'pixelated' : 'auto',
      });
    }
    this.#setSplit(this.#split);
  }
}

/** Calls `onMove` for every pointer move until the button is released. */
function followPointer(onMove: (event: PointerEvent) => void): void {
  const stop = () => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', stop);
  };
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', stop);
}
