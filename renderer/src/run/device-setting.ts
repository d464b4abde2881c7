/**
 * Which execution provider runs the user's jobs: `auto` (CUDA, DirectML, CoreML, WebGPU, then the
 * CPU; the engine skips what is missing or misbehaving and says so) or one chosen by name. Kept
 * between sessions.
 */
import { EXECUTION_PROVIDER_PREFERENCES, type ExecutionProviderPreference } from '../../../app/protocol/index.js';

const KEY = 'scalecrafter.executionProvider';

/** The part of Web Storage this needs (localStorage in the app). */
export interface SettingStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class DeviceSetting {
  constructor(private readonly storage: SettingStore) {}

  get value(): ExecutionProviderPreference {
    const stored = this.storage.getItem(KEY);
    return (EXECUTION_PROVIDER_PREFERENCES as readonly string[]).includes(stored ?? '') ? (stored as ExecutionProviderPreference) : 'auto';
  }

  set value(choice: ExecutionProviderPreference) {
    this.storage.setItem(KEY, choice);
  }
}
