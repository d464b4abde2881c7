import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { identifyModel } from '../../app/farm/model-identity.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** models/emoji-pixel-32's committed sources (no built graphs) in a fresh models folder. */
function emojiSourcesCopy(): string {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-identity-'));
  const tracked = execFileSync('git', ['ls-files', 'models/emoji-pixel-32'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
  for (const file of tracked) {
    const target = path.join(modelsDir, path.relative('models', file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(root, file), target);
  }
  return modelsDir;
}

describe('model identity by content', () => {
  test('two copies agree; built ONNX graphs do not count; a changed weight byte does; a missing model is null', async () => {
    const [first, second] = [emojiSourcesCopy(), emojiSourcesCopy()];
    const identity = await identifyModel({ modelsDir: first }, 'emoji-pixel-32');
    assert.match(identity?.fingerprint ?? '', /^[0-9a-f]{64}$/);
    writeFileSync(path.join(second, 'emoji-pixel-32', 'unet', 'model.onnx'), 'built from the sources on first use');
    assert.deepEqual(await identifyModel({ modelsDir: second }, 'emoji-pixel-32'), identity);

    const weights = path.join(second, 'emoji-pixel-32', 'unet', 'diffusion_pytorch_model.fp16.safetensors');
    const bytes = readFileSync(weights);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    writeFileSync(weights, bytes);
    assert.notEqual((await identifyModel({ modelsDir: second }, 'emoji-pixel-32'))?.fingerprint, identity?.fingerprint);
    assert.equal(await identifyModel({ modelsDir: first }, 'no-such-model'), null);
    for (const dir of [first, second]) rmSync(dir, { recursive: true, force: true });
  });
});
