/**
 * The render farm's settings as the dialog last had them — where the farm's Redis is, the shared
 * output folder, the queue, and the seeds and sizes typed — kept in Web Storage like the editor's
 * other settings: a missing or corrupt value takes its default on its own.
 */
import { z } from 'zod';
import type { SettingStore } from '../run/device-setting.js';

const farmSettingsSchema = z.object({
  redisUrl: z.string().catch('redis://127.0.0.1:6379'),
  /** Relative: inside the server's output folder. */
  outputDir: z.string().catch('farm'),
  queue: z.string().catch('scalecrafter'),
  seeds: z.string().catch('1-4'),
  sizes: z.string().catch(''),
});
export type FarmSettings = z.infer<typeof farmSettingsSchema>;

const KEY = 'scalecrafter.farm.v1';

export class FarmSettingsStore {
  #value: FarmSettings;

  constructor(private readonly storage: SettingStore) {
    let stored: unknown = {};
    try {
      stored = JSON.parse(storage.getItem(KEY) ?? '{}');
    } catch {
      // Corrupt storage: every setting takes its default.
    }
    this.#value = farmSettingsSchema.parse(typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored : {});
  }

  get value(): FarmSettings {
    return this.#value;
  }

  update(change: Partial<FarmSettings>): void {
    this.#value = farmSettingsSchema.parse({ ...this.#value, ...change });
    this.storage.setItem(KEY, JSON.stringify(this.#value));
  }
}
