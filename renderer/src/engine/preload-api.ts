/**
 * The shape of window.scalecrafter as app/electron/preload.cts exposes it. Declared here because the
 * renderer may not import from app/electron; the preload's unit test checks the two agree.
 */
export interface OpenedFile {
  path: string;
  name: string;
  /** The file's bytes: a workflow .json or a PNG that carries one. */
  base64: string;
}

export interface SavedFile {
  path: string;
  name: string;
}

export interface PreloadApi {
  request(name: string, params: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
  /** Shows the native open dialog; null when the user cancels. */
  openWorkflow(): Promise<OpenedFile | null>;
  /** Writes `text` to `path`, or asks where first (no path, or Save As); null when cancelled. */
  saveWorkflow(request: { text: string; suggestedName: string; path?: string }): Promise<SavedFile | null>;
  /** Menu items (File ▸ Save…) arrive as command names. */
  onMenuCommand(listener: (command: string) => void): () => void;
}

export function preloadApi(): PreloadApi | null {
  const candidate = (globalThis as { scalecrafter?: PreloadApi }).scalecrafter;
  return candidate && typeof candidate.request === 'function' ? candidate : null;
}
