/**
 * Open and Save for workflow files in the desktop app: the native dialogs choose the path, this
 * module reads and writes. Electron-free (main.ts passes the two dialog functions in) so tests
 * run it in plain Node against real files. Requests arrive checked (ipc-boundary.ts), and a save
 * can only write to a path the user picked in a dialog this session: a compromised page cannot name one.
 * A save is written beside the target and renamed over it, so a crash never leaves half a file.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenedFile, SavedFile, SaveWorkflowRequest } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface WorkflowDialogs {
  /** The chosen file, or null when the user cancelled. */
  chooseFileToOpen(): Promise<string | null>;
  chooseFileToSave(suggestedName: string): Promise<string | null>;
}

const MAX_FILE_BYTES = 256 * 1024 * 1024;

export class WorkflowFiles {
  /** Paths the user chose in a dialog; the only ones a save may write without asking. */
  readonly #granted = new Set<string>();

  constructor(private readonly dialogs: WorkflowDialogs) {}

  /** A workflow .json or a PNG that carries one, as base64 (the renderer tells them apart). */
  async open(): Promise<OpenedFile | null> {
    const file = await this.dialogs.chooseFileToOpen();
    if (file === null) return null;
    const bytes = await readFile(file);
    if (bytes.length > MAX_FILE_BYTES) throw new UserFacingError(`${path.basename(file)} is ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES}`);
    this.#granted.add(path.resolve(file));
    return { path: file, name: path.basename(file), base64: bytes.toString('base64') };
  }

  async save(request: SaveWorkflowRequest): Promise<SavedFile | null> {
    const { text, suggestedName } = request;
    const known = request.path !== undefined && this.#granted.has(path.resolve(request.path)) ? request.path : undefined;
    const target = known ?? (await this.dialogs.chooseFileToSave(withJsonExtension(suggestedName)));
    if (target === null) return null;
    this.#granted.add(path.resolve(target));
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, target);
    return { path: target, name: path.basename(target) };
  }
}

function withJsonExtension(name: string): string {
  const base = path.basename(name);
  return base.toLowerCase().endsWith('.json') ? base : `${base}.json`;
}
