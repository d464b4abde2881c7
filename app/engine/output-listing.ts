/** What output nodes report they wrote: {filename, subfolder} entries (ComfyUI's shape) under `images` or `files`. */
import path from 'node:path';
import type { UiPayload } from '../protocol/index.js';

/** Paths relative to the output folder, in the order the node listed them. */
export function filesIn(ui: UiPayload): string[] {
  const entries = [ui.images, ui.files].flatMap((list) => (Array.isArray(list) ? list : []));
  return entries.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { filename, subfolder } = entry as { filename?: unknown; subfolder?: unknown };
    if (typeof filename !== 'string') return [];
    return [typeof subfolder === 'string' && subfolder !== '' ? path.join(subfolder, filename) : filename];
  });
}
