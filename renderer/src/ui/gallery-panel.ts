/**
 * Every image the session produced, newest first, each with its file, size, run time and settings.
 * Clicking an image opens it in the viewer; any two can be pinned and compared there (pinning a
 * third lets go of the oldest pin).
 */
import type { GalleryImage } from '../controllers/run-controller.js';
import { button, element, setChildren } from './element.js';

export interface GalleryActions {
  open(image: GalleryImage): void;
  compare(left: GalleryImage, right: GalleryImage): void;
}

const PINS = 2;

export class GalleryPanel {
  readonly #root = element('section', { class: 'panel gallery-panel', 'data-testid': 'gallery' });
  readonly #rendered = new Map<string, HTMLElement>();
  readonly #list = element('div', { class: 'gallery-list' });
  readonly #pinStatus = element('span', { class: 'muted', 'data-testid': 'pin-status' });
  readonly #comparePinned: HTMLButtonElement;
  /** Pinned images by URL, oldest first. */
  #pinned: string[] = [];
  #images: readonly GalleryImage[] = [];

  constructor(
    parent: HTMLElement,
    private readonly actions: GalleryActions,
  ) {
    this.#comparePinned = button('Compare pinned', () => this.#compare(), { 'data-testid': 'compare-pinned', title: 'Show the two pinned images side by side or under a slider' });
    this.#root.append(element('h2', {}, 'Outputs'), element('div', { class: 'gallery-pins' }, this.#pinStatus, this.#comparePinned), this.#list);
    parent.append(this.#root);
    this.#showPins();
  }

  render(images: readonly GalleryImage[]): void {
    this.#images = images;
    this.#pinned = this.#pinned.filter((url) => images.some((image) => image.url === url));
    const entries = images.map((image) => {
      const key = `${image.url}|${image.durationMs ?? ''}|${image.settings?.length ?? 0}`;
      let entry = this.#rendered.get(key);
      if (!entry) {
        entry = this.#entry(image);
        this.#rendered.set(key, entry);
      }
      return entry;
    });
    setChildren(this.#list, entries);
    this.#showPins();
  }

  #togglePin(url: string): void {
    this.#pinned = this.#pinned.includes(url) ? this.#pinned.filter((pinned) => pinned !== url) : [...this.#pinned, url].slice(-PINS);
    this.#showPins();
  }

  #showPins(): void {
    for (const entry of this.#list.children) {
      const pinned = this.#pinned.includes((entry as HTMLElement).dataset.url ?? '');
      entry.classList.toggle('pinned', pinned);
      entry.querySelector('[data-testid="pin"]')?.setAttribute('aria-pressed', String(pinned));
    }
    this.#comparePinned.disabled = this.#pinned.length < PINS;
    this.#pinStatus.textContent = this.#pinned.length < PINS ? `Pin ${PINS - this.#pinned.length} more to compare` : 'Two pinned';
  }

  #compare(): void {
    const [left, right] = this.#pinned.map((url) => this.#images.find((image) => image.url === url));
    if (left && right) this.actions.compare(left, right);
  }

  #entry(image: GalleryImage): HTMLElement {
    const picture = element('img', { src: image.url, alt: image.filename, loading: 'lazy', 'data-testid': 'gallery-image' });
    const size = element('span', { class: 'muted' });
    picture.addEventListener('load', () => (size.textContent = `${picture.naturalWidth}×${picture.naturalHeight}`));
    const link = element('a', { href: image.url, target: '_blank', rel: 'noopener', title: 'Open in the viewer (middle-click: a new tab)' }, picture);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.actions.open(image);
    });
    const pin = button('Pin', () => this.#togglePin(image.url), { class: 'pin', 'aria-pressed': 'false', title: 'Pin for comparison', 'data-testid': 'pin' });
    return element(
      'figure',
      { class: 'gallery-entry', 'data-job-id': image.jobId, 'data-filename': image.filename, 'data-url': image.url },
      link,
      element(
        'figcaption',
        {},
        element('div', { class: 'gallery-entry-title' }, element('strong', {}, image.subfolder ? `${image.subfolder}/${image.filename}` : image.filename), ' ', size, pin),
        element('div', { class: 'muted' }, `${image.label ?? ''}${image.durationMs !== undefined ? ` · ${(image.durationMs / 1000).toFixed(1)}s` : ''}`),
        image.settings
          ? element('details', { 'data-testid': 'image-settings' }, element('summary', {}, 'settings'), element('dl', {}, ...image.settings.flatMap((line) => [element('dt', {}, `${line.title} #${line.nodeId}`), element('dd', {}, line.settings)])))
          : null,
      ),
    );
  }
}
