/**
 * The recent-files list: newest first, one entry per file, bounded. Files saved and files opened
 * are listed, and so is a document the user worked on and left unsaved (replaced by another after
 * "discard?"), so that work can be reopened. Entries carry the workflow text, because a browser
 * page cannot reopen a file by path and the desktop app only lets the page write where the user chose.
 */
export interface RecentFile {
  name: string;
  path?: string;
  text: string;
  savedAt: number;
  /** How it got here; absent in lists written before kinds existed (they were all saves). */
  kind?: RecentKind;
}

export type RecentKind = 'saved' | 'opened' | 'unsaved';

export const MAX_RECENT_FILES = 10;
/** Larger workflows are not worth keeping in localStorage (a few MB in total). */
export const MAX_RECENT_TEXT = 512 * 1024;

export function withRecentFile(list: readonly RecentFile[], entry: RecentFile, max = MAX_RECENT_FILES): RecentFile[] {
  if (entry.text.length > MAX_RECENT_TEXT) return [...list];
  const key = recentKey(entry);
  return [entry, ...list.filter((item) => recentKey(item) !== key)].slice(0, max);
}

/** Parses what localStorage held; anything malformed is dropped rather than breaking start-up. */
export function parseRecentFiles(text: string | null): RecentFile[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (item): item is RecentFile =>
        typeof item === 'object' &&
        item !== null &&
        typeof item.name === 'string' &&
        typeof item.text === 'string' &&
        typeof item.savedAt === 'number' &&
        (item.path === undefined || typeof item.path === 'string') &&
        (item.kind === undefined || RECENT_KINDS.includes(item.kind)),
    );
  } catch {
    return [];
  }
}

const RECENT_KINDS: readonly unknown[] = ['saved', 'opened', 'unsaved'] satisfies RecentKind[];

/** Unsaved work is its own entry: it must not replace the file it was opened from. */
const recentKey = (file: RecentFile) => `${file.kind === 'unsaved' ? 'unsaved:' : ''}${file.path ?? `name:${file.name}`}`;

/** How the recent list shows an entry. */
export function recentLabel(file: RecentFile): string {
  const where = file.path ?? file.name;
  return file.kind === 'opened' ? `${where} (opened)` : file.kind === 'unsaved' ? `${where} (unsaved changes)` : where;
}
