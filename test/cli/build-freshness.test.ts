import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error -- the launcher's helper is plain JavaScript without declarations
import { sourceNewerThan } from '../../bin/build-freshness.js';

const root = mkdtempSync(path.join(tmpdir(), 'scalecrafter-freshness-'));
after(() => rmSync(root, { recursive: true, force: true }));

function fileAt(relative: string, secondsSinceEpoch: number): string {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, secondsSinceEpoch, secondsSinceEpoch);
  return file;
}

test('the launcher finds a source changed after the build, and only then', () => {
  const built = fileAt('dist/app/cli/main.js', 2_000);
  fileAt('app/cli/main.ts', 1_000);
  fileAt('nodes/sampler.ts', 1_500);
  fileAt('app/README.md', 3_000);
  assert.equal(sourceNewerThan(root, built), null, 'older sources and newer non-TypeScript files are fine');
  const changed = fileAt('nodes/deep/er/new-node.ts', 2_500);
  assert.equal(sourceNewerThan(root, built), changed);
});

test('a copy without sources (no app/ or nodes/) counts as fresh', () => {
  const bare = mkdtempSync(path.join(root, 'bare-'));
  const built = path.join(bare, 'main.js');
  writeFileSync(built, '');
  assert.equal(sourceNewerThan(bare, built), null);
});
