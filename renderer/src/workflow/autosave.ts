/**
 * The open document kept in localStorage after every edit, so a crash, a kill or a closed tab
 * loses nothing: the next start restores the graph, its name, its file path and whether it had
 * unsaved changes.
 */
import { workflowSchema, type Workflow } from '../../../app/protocol/index.js';
import type { SettingStore } from '../run/device-setting.js';

export const AUTOSAVE_KEY = 'scalecrafter.autosave.v1';

export interface AutosavedDocument {
  name: string;
  path?: string;
  workflow: Workflow;
  /** The workflow as last saved (JSON), to tell whether the restored graph has unsaved changes. */
  savedJson: string | null;
}

export function writeAutosave(storage: SettingStore, document: AutosavedDocument): void {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(document));
  } catch (error) {
    // A full localStorage must not break editing; the next save to disk still works.
    console.warn('autosave failed', error);
  }
}

export function readAutosave(storage: SettingStore): AutosavedDocument | null {
  const text = storage.getItem(AUTOSAVE_KEY);
  if (!text) return null;
  try {
    return storedDocument(JSON.parse(text));
  } catch {
    return null;
  }
}

/** A document as stored (the autosave, a kept tab), or null when it no longer reads as one. */
export function storedDocument(stored: unknown): AutosavedDocument | null {
  const value = (stored ?? {}) as Partial<AutosavedDocument>;
  const workflow = workflowSchema.safeParse(value.workflow);
  if (!workflow.success || typeof value.name !== 'string') return null;
  return {
    name: value.name,
    ...(typeof value.path === 'string' ? { path: value.path } : {}),
    workflow: workflow.data,
    savedJson: typeof value.savedJson === 'string' ? value.savedJson : null,
  };
}
