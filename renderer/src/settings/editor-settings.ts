/**
 * The editor's own settings (ComfyUI's Settings dialog, the parts that apply here): how links are
 * drawn, whether dragged nodes snap to the grid and its size, whether the minimap shows. Kept in
 * Web Storage; a missing, corrupt or out-of-range value falls back to its default on its own, so
 * one bad key never resets the rest. DOM-free so it is tested in plain Node.
 */
import { z } from 'zod';
import type { SettingStore } from '../run/device-setting.js';

export const LINK_STYLES = ['spline', 'linear', 'straight'] as const;
export type LinkStyle = (typeof LINK_STYLES)[number];

const settingsSchema = z.object({
  linkStyle: z.enum(LINK_STYLES).catch('spline'),
  snapToGrid: z.boolean().catch(false),
  gridSize: z.number().int().min(5).max(100).catch(20),
  showMinimap: z.boolean().catch(true),
});
export type EditorSettings = z.infer<typeof settingsSchema>;

const KEY = 'scalecrafter.settings.v1';

export class EditorSettingsStore {
  readonly #listeners = new Set<(settings: EditorSettings) => void>();
  #value: EditorSettings;

  constructor(private readonly storage: SettingStore) {
    this.#value = parseSettings(storage.getItem(KEY));
  }

  get value(): EditorSettings {
    return this.#value;
  }

  update(change: Partial<EditorSettings>): void {
    this.#value = settingsSchema.parse({ ...this.#value, ...change });
    this.storage.setItem(KEY, JSON.stringify(this.#value));
    for (const listener of this.#listeners) listener(this.#value);
  }

  onChange(listener: (settings: EditorSettings) => void): void {
    this.#listeners.add(listener);
  }
}

export function parseSettings(text: string | null): EditorSettings {
  let stored: unknown = {};
  try {
    stored = JSON.parse(text ?? '{}');
  } catch {
    // Corrupt storage: every setting takes its default.
  }
  return settingsSchema.parse(typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored : {});
}
