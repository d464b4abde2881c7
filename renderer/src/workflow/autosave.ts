/**
 * The open document kept in localStorage after every edit, so a crash, a kill or a closed tab
 * loses nothing: the next start restores the graph, its name, its file path and whether it had
 * unsaved changes.
 */
import { workflowSchema, type Workflow } from '../../../app/protocol/index.js';

export const AUTOSAVE_KEY = 'scalecrafter.autosave.v1';

export interface AutosavedDocument {
  name: string;
  path?: string;
  workflow: Workflow;
  /** The workflow as last saved (JSON), to tell whether the restored graph has unsaved changes. */
  savedJson: string | null;
}

export function writeAutosave(storage: Storage, document: AutosavedDocument): void {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify(document));
  } catch (error) {
    // A full localStorage must not break editing; the next save to disk still works.
    console.warn('autosave failed', error);
  }
}

export function readAutosave(storage: Storage): AutosavedDocument | null {
  const text = storage.getItem(AUTOSAVE_KEY);
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<AutosavedDocument>;
    const workflow = workflowSchema.safeParse(value.workflow);
    if (!workflow.success || typeof value.name !== 'string') return null;
    return {
      name: value.name,
      ...(typeof value.path === 'string' ? { path: value.path } : {}),
      workflow: workflow.data,
      savedJson: typeof value.savedJson === 'string' ? value.savedJson : null,
    };
  } catch {
    return null;
  }
}
