/**
 * Builds the UI from the current sources into renderer/dist (what `serve` serves) so a test never
 * sees a stale UI. node --test runs test files in parallel, each with its own server reading the
 * same folder: the build goes to a temporary folder and each file is moved in by rename, so a
 * server never reads a half-written or momentarily deleted asset (hashed names make the files of
 * two builds of the same sources identical).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const configFile = fileURLToPath(new URL('../../renderer/vite.config.ts', import.meta.url));
const dist = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));

export async function buildRenderer(): Promise<void> {
  const staging = mkdtempSync(path.join(tmpdir(), 'scalecrafter-ui-'));
  try {
    await build({ configFile, logLevel: 'error', build: { outDir: staging, emptyOutDir: true } });
    moveInto(staging, dist);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function moveInto(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      moveInto(source, target);
      continue;
    }
    const partial = `${target}.${process.pid}.partial`;
    copyFileSync(source, partial);
    renameSync(partial, target);
  }
}
