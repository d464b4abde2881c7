/**
 * The generated module must hold exactly what the reference's published files say: the committed
 * copy in test/fixtures/scalecrafter-reference (its README names the source commit).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { REFERENCE_FILES } from '../../app/scalecrafter/reference-presets/reference-files.generated.js';
import {
  DEFAULT_REFERENCE_DIR,
  GENERATED_MODULE_PATH,
  readReferenceFiles,
  renderReferenceModule,
} from '../../tools/generate-scalecrafter-presets.js';

const referenceDir = DEFAULT_REFERENCE_DIR;

describe('generated reference data', () => {
  test('equals the parsed reference files (every config, dilation list and module list)', () => {
    const files = readReferenceFiles(referenceDir);
    assert.deepEqual(REFERENCE_FILES, files);
    assert.equal(Object.keys(files.configs).length, 16);
    assert.equal(Object.keys(files.dilationFiles).length, 18);
    assert.equal(Object.keys(files.moduleLists).length, 4);
  });

  test('is the generator output, unedited (regenerate with tools/generate-scalecrafter-presets.ts)', () => {
    const onDisk = readFileSync(GENERATED_MODULE_PATH, 'utf8');
    assert.equal(onDisk, renderReferenceModule(readReferenceFiles(referenceDir)));
  });

  test('keeps every line of every settings file (spot check against the raw text)', () => {
    const raw = readFileSync(resolve(referenceDir, 'dilate_settings/sd2.1_2048x2048.txt'), 'utf8').trim().split('\n');
    const parsed = REFERENCE_FILES.dilationFiles['dilate_settings/sd2.1_2048x2048.txt']!;
    assert.deepEqual(parsed.map(({ conv, dilation }) => `${conv}:${dilation}`), raw);
  });
});
