/**
 * The images an output node reports in its UI payload ({ images: [{ filename, subfolder, type }] },
 * ComfyUI's shape) and the URL each is served at. The URL is relative to the page: the HTTP server
 * serves /view beside the UI, and the desktop app's app:// scheme does the same.
 */
import type { UiPayload } from '../../../app/protocol/index.js';

export interface OutputImage {
  filename: string;
  subfolder: string;
}

export function imagesOf(ui: UiPayload): OutputImage[] {
  const images = ui.images;
  if (!Array.isArray(images)) return [];
  return images.flatMap((image: unknown) => {
    if (typeof image !== 'object' || image === null) return [];
    const { filename, subfolder } = image as Record<string, unknown>;
    return typeof filename === 'string' ? [{ filename, subfolder: typeof subfolder === 'string' ? subfolder : '' }] : [];
  });
}

export function viewUrl(image: OutputImage): string {
  return `view?${new URLSearchParams({ filename: image.filename, subfolder: image.subfolder }).toString()}`;
}
