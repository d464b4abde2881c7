/**
 * prepareUnetFile and the `models prepare` command on real files in a temp dir: inline models
 * stay inline, a model with a sidecar gets one of the same name next to the output, the input's
 * files are never replaced unless asked, and the written model runs from its path.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerModelsPrepareCommand } from '../../../app/cli/commands/models-prepare.js';
import { readModel, writeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession } from '../../../app/runtime/session.js';
import { offControlFeeds } from '../../../app/scalecrafter/prepare/controls.js';
import { prepareUnetFile } from '../../../app/scalecrafter/prepare/prepare-unet-file.js';
import { convControlsRewrite } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { isPreparedUnet, readPreparedUnetLayout } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { randn } from '../../reference/ndarray.js';
import { floatFeed, singleConvModel } from './conv-models.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const PATH = 'down_blocks.2.resnets.1.conv2';
// 8×8×3×3 float32 = 2304 bytes: above writeModel's 1 KiB threshold, so it goes to a sidecar when asked.
const conv = singleConvModel({ modulePath: PATH, stride: 1, inChannels: 8, outChannels: 8, seed: 5 });
const x = floatFeed(randn([1, 8, 5, 4], 6), 'float32');

async function runFile(path: string, extra: Record<string, HostTensor> = {}) {
  const session = await openSession(path, { executionProvider: 'cpu' });
  try {
    return Array.from((await session.run({ x, ...extra })).y!.data as Float32Array);
  } finally {
    await session.release();
  }
}

const CONV_CONTROLS = [convControlsRewrite()] as const;

describe('prepareUnetFile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scalecrafter-prepare-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('an inline model stays inline; the prepared file runs from its path and, off, equals the input', async () => {
    const input = join(dir, 'inline.onnx');
    await writeModel(conv.model, input);
    const result = await prepareUnetFile(input, join(dir, 'inline-prepared.onnx'), CONV_CONTROLS);
    assert.equal(result.externalDataPath, undefined);
    assert.deepEqual(result.layouts[0].convs, [PATH]);
    const written = await readModel(result.modelPath);
    assert.ok(isPreparedUnet(written));
    assert.deepEqual(await runFile(result.modelPath, offControlFeeds(readPreparedUnetLayout(written))), await runFile(input));
  });

  test('a model with a weights.pb sidecar: the output gets weights.pb next to it; the input files are untouched', async () => {
    const source = join(dir, 'source');
    const target = join(dir, 'target');
    const input = join(source, 'model.onnx');
    await Promise.all([mkdir(source), mkdir(target)]);
    await writeModel(conv.model, input, { externalData: 'weights.pb' });
    const before = await Promise.all([readFile(input), readFile(join(source, 'weights.pb'))]);
    const result = await prepareUnetFile(input, join(target, 'model.onnx'), CONV_CONTROLS);
    assert.equal(result.externalDataPath, join(target, 'weights.pb'));
    const after = await Promise.all([readFile(input), readFile(join(source, 'weights.pb'))]);
    assert.ok(before[0].equals(after[0]) && before[1].equals(after[1]), 'input model and sidecar unchanged');
    const layout = readPreparedUnetLayout(await readModel(result.modelPath));
    assert.deepEqual(await runFile(result.modelPath, offControlFeeds(layout)), await runFile(input));
  });

  test('refuses to overwrite an existing output, or to replace the input\'s sidecar from a sibling file', async () => {
    const input = join(dir, 'sibling', 'model.onnx');
    await mkdir(join(dir, 'sibling'));
    await writeModel(conv.model, input, { externalData: 'model.onnx_data' });
    await assert.rejects(prepareUnetFile(input, input, CONV_CONTROLS), (error: unknown) => error instanceof UserFacingError && /already exists; choose another --out, or pass --force/.test(error.message));
    await assert.rejects(prepareUnetFile(input, join(dir, 'sibling', 'prepared.onnx'), CONV_CONTROLS), /would replace .*model\.onnx_data, the weights of/);
    // In place, when asked: the model and its sidecar are rewritten atomically.
    const result = await prepareUnetFile(input, input, CONV_CONTROLS, { overwrite: true });
    assert.equal(result.externalDataPath, join(dir, 'sibling', 'model.onnx_data'));
    assert.ok(isPreparedUnet(await readModel(input)));
  });
});

describe('scalecrafter models prepare', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scalecrafter-prepare-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The command in-process, as the CLI registers it, with its output and exit captured. */
  async function cli(args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
    const program = new Command('scalecrafter').exitOverride();
    let out = '';
    let err = '';
    program.configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
    registerModelsPrepareCommand(program);
    for (const command of program.commands) {
      command.exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
      for (const sub of command.commands) sub.exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
    }
    try {
      await program.parseAsync(['node', 'scalecrafter', ...args]);
      return { out, err, exitCode: 0 };
    } catch (error) {
      // A problem with the input goes to the program's one reporter (cli/main.ts), which prints it and exits 1.
      if (error instanceof UserFacingError) throw error;
      return { out, err, exitCode: (error as { exitCode?: number }).exitCode ?? -1 };
    }
  }

  test('prints how many convs were prepared and where; refuses an existing --out', async () => {
    const input = join(dir, 'unet.onnx');
    await writeModel(conv.model, input);
    const output = join(dir, 'unet-prepared.onnx');
    const ok = await cli(['models', 'prepare', input, '--out', output, '--eta', '0.1']);
    assert.equal(ok.exitCode, 0, ok.err);
    assert.equal(ok.out, `prepared 1 conv for ScaleCrafter controls: ${output}\n`);
    assert.equal(readPreparedUnetLayout(await readModel(output)).dispersion.eta, 0.1);
    await assert.rejects(cli(['models', 'prepare', input, '--out', output]), (error: unknown) => error instanceof UserFacingError && /already exists/.test(error.message));
  });

  test('attaches to an existing `models` command instead of adding a second one', () => {
    const program = new Command('scalecrafter');
    program.command('models').command('tiny');
    registerModelsPrepareCommand(program);
    assert.deepEqual(program.commands.map((command) => command.name()), ['models']);
    assert.deepEqual(program.commands[0]!.commands.map((command) => command.name()), ['tiny', 'prepare']);
  });
});
