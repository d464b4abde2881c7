import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { writeOutputFile } from '../../app/engine/output-files.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'scalecrafter-out-'));

describe('output files', () => {
  test('numbering continues and never overwrites, even after a file with a gap', async () => {
    const dir = fresh();
    const first = await writeOutputFile(dir, 'image', 'txt', 'one');
    const second = await writeOutputFile(dir, 'image', 'txt', 'two');
    assert.deepEqual([first.filename, second.filename], ['image_00001_.txt', 'image_00002_.txt']);
    writeFileSync(path.join(dir, 'image_00007_.txt'), 'user kept this');
    const third = await writeOutputFile(dir, 'image', 'txt', 'three');
    assert.equal(third.filename, 'image_00008_.txt');
    assert.equal(readFileSync(path.join(dir, 'image_00007_.txt'), 'utf8'), 'user kept this');
    assert.deepEqual(readdirSync(dir).sort(), ['image_00001_.txt', 'image_00002_.txt', 'image_00007_.txt', 'image_00008_.txt'], 'no staging files left behind');
  });

  test('concurrent writers with one prefix get distinct files', async () => {
    const dir = fresh();
    const written = await Promise.all(Array.from({ length: 8 }, (_, index) => writeOutputFile(dir, 'batch', 'txt', String(index))));
    assert.equal(new Set(written.map((file) => file.filename)).size, 8);
    const contents = written.map((file) => readFileSync(file.absolutePath, 'utf8')).sort();
    assert.deepEqual(contents, ['0', '1', '2', '3', '4', '5', '6', '7']);
  });

  test('a subfolder in the prefix is created inside the output folder', async () => {
    const dir = fresh();
    const file = await writeOutputFile(dir, 'portraits/face', 'txt', 'x');
    assert.equal(file.relativePath, 'portraits/face_00001_.txt');
    assert.equal(file.absolutePath, path.join(dir, 'portraits', 'face_00001_.txt'));
  });

  test('prefixes that leave the output folder are errors on the filename_prefix field', async () => {
    const dir = fresh();
    for (const prefix of ['../escape', 'a/../../b', '/etc/passwd', 'C:\\temp\\x', '', '  ']) {
      await assert.rejects(writeOutputFile(dir, prefix, 'txt', 'x'), (error: unknown) => error instanceof UserFacingError && error.field === 'filename_prefix', prefix);
    }
    assert.deepEqual(readdirSync(dir), []);
  });
});
