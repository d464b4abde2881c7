// Whether a checkout's compiled CLI is older than its TypeScript sources: after a `git pull` without
// `npm run build`, the old dist/ would run and report the new workflows as "saved by a newer
// ScaleCrafter Studio", which sends the user looking in the wrong place.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SOURCE_FOLDERS = ['app', 'nodes'];

/** The first source file (under app/ or nodes/ of `root`) changed after `builtFile`, or null. */
export function sourceNewerThan(root, builtFile) {
  const builtAt = statSync(builtFile).mtimeMs;
  for (const folder of SOURCE_FOLDERS) {
    const newer = findNewer(path.join(root, folder), builtAt);
    if (newer) return newer;
  }
  return null;
}

function findNewer(dir, builtAt) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null; // a packaged copy ships no sources
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const newer = findNewer(file, builtAt);
      if (newer) return newer;
    } else if (entry.name.endsWith('.ts') && statSync(file).mtimeMs > builtAt) {
      return file;
    }
  }
  return null;
}
