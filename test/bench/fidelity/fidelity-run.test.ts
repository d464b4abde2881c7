import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { decodePng } from '../../../app/imaging/png-metadata.js';
import { METHODS } from '../../../bench/fidelity/methods.js';
import { writeNpy } from '../../../tools/train/npy-file.js';
import { emojiSourcesCopy } from '../../support/emoji-model.js';

const run = promisify(execFile);

/** A stand-in reference set: red squares of growing size on white (the real one needs the npm emoji packages). */
async function syntheticTrainingSet(folder: string, count: number): Promise<void> {
  const side = 32;
  const data = new Uint8Array(count * side * side * 3).fill(255);
  for (let image = 0; image < count; image++) {
    const half = 4 + image;
    for (let y = 16 - half; y < 16 + half; y++) {
      for (let x = 16 - half; x < 16 + half; x++) data.set([220, 30, 30], ((image * side + y) * side + x) * 3);
    }
  }
  await writeNpy(path.join(folder, 'images.npy'), '|u1', [count, side, side, 3], data);
}

/** Runs the benchmark on the bundled model's sources and 8 synthetic reference images, 2 prompts and 2 DDIM steps; returns its output folder. */
async function runShortened(seeds: number, sizes: string): Promise<string> {
  const data = mkdtempSync(path.join(tmpdir(), 'fidelity-data-'));
  const out = mkdtempSync(path.join(tmpdir(), 'fidelity-out-'));
  await syntheticTrainingSet(data, 8);
  const args = ['--import', 'tsx', 'bench/fidelity.ts', '--models', emojiSourcesCopy(), '--data', data, '--out', out, '--prompts', '2', '--seeds', String(seeds), '--steps', '2', '--sizes', sizes, '--real', '8'];
  await run(process.execPath, args, { cwd: new URL('../../../', import.meta.url), env: process.env, timeout: 240_000 });
  return out;
}

describe('npm run bench:fidelity, shortened', () => {
  test('generates every method at each size through the engine and writes the table, JSON and grids', async () => {
    const out = await runShortened(2, '32,64');

    const jsonFile = readdirSync(out).find((name) => name.endsWith('-fidelity.json'))!;
    const report = JSON.parse(readFileSync(path.join(out, jsonFile), 'utf8')) as { rows: Array<Record<string, number | string | null>>; realImages: number; classifierHeldOut: { category: number; source: string } };
    assert.equal(report.realImages, 8);
    // The stand-in set has no captions.jsonl, so the held-out accuracy is the training record's.
    assert.match(report.classifierHeldOut.source, /recorded by tools\/train\/classifier\.py/);
    assert.equal(report.rows.length, 1 + METHODS.length, 'the 32² baseline, then each method at 64²');
    for (const row of report.rows) {
      for (const key of ['meanObjects', 'meanTexture', 'texturedShare', 'recognised', 'fidReal', 'kidReal', 'secondsPerImage']) assert.ok(Number.isFinite(row[key]), `${row.scale} ${row.method}: ${key} = ${row[key]}`);
    }
    for (const key of ['fidBase', 'contentScale']) {
      assert.equal(report.rows[0]![key], null, `the baseline's ${key} is not against itself`);
      assert.ok(report.rows.slice(1).every((row) => Number.isFinite(row[key])), key);
    }
    assert.match(readFileSync(path.join(out, jsonFile.replace(/\.json$/, '.md')), 'utf8'), /\| 64² \(4×\) \| ScaleCrafter \+ ND-CFG \|/);

    const grid = decodePng(readFileSync(path.join(out, 'fidelity', 'grid-64.png')));
    const gap = 1;
    assert.deepEqual([grid.width, grid.height], [2 * 64 + gap, (1 + METHODS.length) * 64 + METHODS.length * gap], 'a column per prompt, a row per method plus the 32² row');
  });

  test('at the training size alone, the grid shows every sample (a row per seed) and the report promises no enlargement', async () => {
    const out = await runShortened(3, '32');

    const markdown = readFileSync(path.join(out, readdirSync(out).find((name) => name.endsWith('-fidelity.md'))!), 'utf8');
    assert.match(markdown, /the failure ScaleCrafter addresses\./);
    assert.match(markdown, /- grid-32\.png: a row per seed, a column per prompt/);
    const grid = decodePng(readFileSync(path.join(out, 'fidelity', 'grid-32.png')));
    assert.deepEqual([grid.width, grid.height], [2 * 32 + 1, 3 * 32 + 2 * 1], 'two prompts across, three seeds down, 1-px gaps');
  });
});
