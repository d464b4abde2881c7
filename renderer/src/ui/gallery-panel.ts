/** Every image the session produced, newest first, each with its file, size, run time and settings. */
import type { GalleryImage } from '../controllers/run-controller.js';
import { element, setChildren } from './element.js';

export class GalleryPanel {
  readonly #root = element('section', { class: 'panel gallery-panel', 'data-testid': 'gallery' });
  readonly #rendered = new Map<string, HTMLElement>();
  readonly #list = element('div', { class: 'gallery-list' });

  constructor(parent: HTMLElement) {
    this.#root.append(element('h2', {}, 'Outputs'), this.#list);
    parent.append(this.#root);
  }

  render(images: readonly GalleryImage[]): void {
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
  }

  #entry(image: GalleryImage): HTMLElement {
    const picture = element('img', { src: image.url, alt: image.filename, loading: 'lazy', 'data-testid': 'gallery-image' });
    const size = element('span', { class: 'muted' });
    picture.addEventListener('load', () => (size.textContent = `${picture.naturalWidth}×${picture.naturalHeight}`));
    return element(
      'figure',
      { class: 'gallery-entry', 'data-job-id': image.jobId, 'data-filename': image.filename },
      element('a', { href: image.url, target: '_blank', rel: 'noopener' }, picture),
      element(
        'figcaption',
        {},
        element('div', {}, element('strong', {}, image.subfolder ? `${image.subfolder}/${image.filename}` : image.filename), ' ', size),
        element('div', { class: 'muted' }, `${image.label ?? ''}${image.durationMs !== undefined ? ` · ${(image.durationMs / 1000).toFixed(1)}s` : ''}`),
        image.settings
          ? element('details', { 'data-testid': 'image-settings' }, element('summary', {}, 'settings'), element('dl', {}, ...image.settings.flatMap((line) => [element('dt', {}, `${line.title} #${line.nodeId}`), element('dd', {}, line.settings)])))
          : null,
      ),
    );
  }
}
