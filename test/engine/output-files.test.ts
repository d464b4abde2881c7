import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
    for (const prefix of ['../escape', 'a/../../b', '/etc/passwd', 'C:\\temp\\x', 'a\\..\\..\\b', 'a\0b', '', '  ']) {
      await assert.rejects(writeOutputFile(dir, prefix, 'txt', 'x'), (error: unknown) => error instanceof UserFacingError && error.field === 'filename_prefix', prefix);
    }
    assert.deepEqual(readdirSync(dir), []);
  });

  test('a subfolder that is a symbolic link out of the output folder is refused, and nothing is written through it', async () => {
    const dir = fresh();
    const elsewhere = fresh();
    symlinkSync(elsewhere, path.join(dir, 'link'));
    for (const prefix of ['link/x', 'link/new/x']) {
      await assert.rejects(writeOutputFile(dir, prefix, 'txt', 'x'), (error: unknown) => error instanceof UserFacingError && error.field === 'filename_prefix' && /symbolic link/.test(error.message), prefix);
    }
    assert.deepEqual(readdirSync(elsewhere), []);
    mkdirSync(path.join(dir, 'real'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'inside'));
    assert.equal((await writeOutputFile(dir, 'inside/x', 'txt', 'x')).relativePath, 'inside/x_00001_.txt');
  });
});
