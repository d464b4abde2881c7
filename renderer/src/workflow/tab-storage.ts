/**
 * The open workflow tabs kept in Web Storage, so a reload brings them all back: each tab not shown
 * as a document (name, file path, graph, saved state); the shown tab's slot is empty, since its
 * document is the autosave. Undo histories are not kept (as the autosave keeps none).
 */
import { storedDocument, type AutosavedDocument } from './autosave.js';
import type { SettingStore } from '../run/device-setting.js';

const KEY = 'scalecrafter.tabs.v1';

export interface StoredTabs {
  active: number;
  /** null marks the shown tab. */
  tabs: Array<AutosavedDocument | null>;
}

export function writeTabs(storage: SettingStore, tabs: StoredTabs): void {
  try {
    storage.setItem(KEY, JSON.stringify(tabs));
  } catch (error) {
    console.warn('keeping the open tabs failed', error);
  }
}

/** The stored tabs, dropping any that no longer read as a workflow; null when none are stored. */
export function readTabs(storage: SettingStore): StoredTabs | null {
  let value: unknown;
  try {
    value = JSON.parse(storage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
  const stored = value as Partial<StoredTabs> | null;
  if (!stored || !Array.isArray(stored.tabs) || !stored.tabs.includes(null)) return null;
  const tabs = stored.tabs.flatMap((tab): Array<AutosavedDocument | null> => {
    if (tab === null) return [null];
    const document = storedDocument(tab);
    return document ? [document] : [];
  });
  return { active: tabs.indexOf(null), tabs };
}
