/**
 * Where Open and Save go: native dialogs and real paths in the desktop app, a file picker and a
 * download in the browser. The document logic sees only this interface.
 */
import { parseShellReply } from '../../../app/protocol/index.js';
import type { PreloadApi } from '../engine/preload-api.js';
import { documentNameOf } from '../workflow/workflow-source.js';

/** The name of a document nobody has named yet. */
const UNTITLED = 'Untitled';

export interface OpenedWorkflowFile {
  name: string;
  /** Known in the desktop app, where Save writes back to it. */
  path?: string;
  bytes: Uint8Array;
}

export interface SaveOptions {
  suggestedName: string;
  path?: string;
  /** Ask where, even when the document has a path. */
  saveAs: boolean;
}

export interface WorkflowFiles {
  /** Null when the user cancelled. */
  open(): Promise<OpenedWorkflowFile | null>;
  save(text: string, options: SaveOptions): Promise<{ name: string; path?: string } | null>;
}

export class DesktopWorkflowFiles implements WorkflowFiles {
  constructor(private readonly preload: PreloadApi) {}

  async open(): Promise<OpenedWorkflowFile | null> {
    const file = parseShellReply('openWorkflow', await this.preload.openWorkflow());
    if (!file) return null;
    return { name: file.name, path: file.path, bytes: Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0)) };
  }

  async save(text: string, options: SaveOptions): Promise<{ name: string; path?: string } | null> {
    const saved = parseShellReply('saveWorkflow', await this.preload.saveWorkflow({ text, suggestedName: options.suggestedName, ...(options.path && !options.saveAs ? { path: options.path } : {}) }));
    return saved ? { name: saved.name, path: saved.path } : null;
  }
}

/**
 * A browser page cannot write files: Save downloads the workflow under the document's name; Save
 * As, and Save of an untitled document, first ask for the name (`askName`, null = cancelled).
 * Open reads one the user picks.
 */
export class BrowserWorkflowFiles implements WorkflowFiles {
  constructor(private readonly askName: (title: string, current: string) => Promise<string | null>) {}

  open(): Promise<OpenedWorkflowFile | null> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = '.json,.png,application/json,image/png';
      input.className = 'hidden-file-input';
      input.addEventListener('change', async () => {
        const file = input.files?.[0];
        input.remove();
        resolve(file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null);
      });
      input.addEventListener('cancel', () => {
        input.remove();
        resolve(null);
      });
      document.body.append(input);
      input.click();
    });
  }

  async save(text: string, options: SaveOptions): Promise<{ name: string } | null> {
    const current = documentNameOf(options.suggestedName);
    const chosen = options.saveAs || current === UNTITLED ? await this.askName(options.saveAs ? 'Save as' : 'Name this workflow', current) : current;
    if (chosen === null) return null;
    const name = chosen.toLowerCase().endsWith('.json') ? chosen : `${chosen}.json`;
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return { name };
  }
}
