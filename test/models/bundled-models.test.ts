/**
 * copyBundledModel on real folders: the committed emoji-pixel-32 sources as the bundle, copied into
 * a models folder that does not exist yet, from a bundle made read-only as an installed app's is.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { bundledModelNames, copyBundledModel } from '../../app/models/bundled-models.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';

/** Every entry under `root` with its size and content, by relative path. */
function treeOf(root: string): Map<string, string> {
  const entries = readdirSync(root, { recursive: true }) as string[];
  return new Map(entries.sort().map((relative) => {
    const file = path.join(root, relative);
    return [relative, statSync(file).isDirectory() ? 'dir' : readFileSync(file).toString('base64')];
  }));
}

/** Sets the modes of everything under `root`: 0o555/0o444 is how a read-only install leaves it. */
function chmodTree(root: string, dirMode: number, fileMode: number): void {
  for (const relative of readdirSync(root, { recursive: true }) as string[]) {
    const file = path.join(root, relative);
    chmodSync(file, statSync(file).isDirectory() ? dirMode : fileMode);
  }
  chmodSync(root, dirMode);
}

const freshModelsDir = () => path.join(mkdtempSync(path.join(tmpdir(), 'user-models-')), 'models');

describe('bundled models', () => {
  test('a bundled model missing from the models folder is copied whole, into a folder the graphs can be built in', async (t) => {
    const bundledModelsDir = emojiSourcesCopy();
    const bundled = path.join(bundledModelsDir, EMOJI_MODEL_NAME);
    chmodTree(bundled, 0o555, 0o444);
    t.after(() => {
      chmodTree(bundled, 0o755, 0o644);
      rmSync(bundledModelsDir, { recursive: true, force: true });
    });
    const before = treeOf(bundled);
    const modelsDir = freshModelsDir();

    const copied = await copyBundledModel(modelsDir, bundledModelsDir, EMOJI_MODEL_NAME);

    assert.equal(copied, path.join(modelsDir, EMOJI_MODEL_NAME));
    assert.deepEqual(treeOf(copied), before);
    assert.deepEqual(treeOf(bundled), before, 'the bundle is left as it was');
    assert.deepEqual(readdirSync(modelsDir), [EMOJI_MODEL_NAME], 'no staging folder is left behind');
    for (const relative of ['', ...before.keys()]) {
      assert.ok(statSync(path.join(copied, relative)).mode & 0o200, `${relative || '.'} is writable by its owner`);
    }
  });

  test('a folder already in the models folder is kept, even when it differs from the bundle', async () => {
    const bundledModelsDir = emojiSourcesCopy();
    const modelsDir = freshModelsDir();
    const own = path.join(modelsDir, EMOJI_MODEL_NAME);
    mkdirSync(own, { recursive: true });
    writeFileSync(path.join(own, 'model_index.json'), '{}');
    assert.equal(await copyBundledModel(modelsDir, bundledModelsDir, EMOJI_MODEL_NAME), null);
    assert.deepEqual(readdirSync(own), ['model_index.json']);
  });

  test('nothing is copied for a name the bundle does not hold as a pipeline folder, nor without a bundle', async () => {
    const bundledModelsDir = emojiSourcesCopy();
    mkdirSync(path.join(bundledModelsDir, 'not-a-pipeline'));
    const modelsDir = freshModelsDir();
    for (const name of ['no-such-model', 'not-a-pipeline', `${EMOJI_MODEL_NAME}/unet`, path.join(bundledModelsDir, EMOJI_MODEL_NAME)]) {
      assert.equal(await copyBundledModel(modelsDir, bundledModelsDir, name), null, name);
    }
    assert.equal(await copyBundledModel(modelsDir, undefined, EMOJI_MODEL_NAME), null);
    assert.equal(existsSync(modelsDir), false);
  });

  test('the names offered are the bundle\'s pipeline folders', () => {
    const bundledModelsDir = emojiSourcesCopy();
    mkdirSync(path.join(bundledModelsDir, 'not-a-pipeline'));
    assert.deepEqual(bundledModelNames(bundledModelsDir), [EMOJI_MODEL_NAME]);
    assert.deepEqual(bundledModelNames(undefined), []);
  });
});
