import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { formatPaintedSchedule, paintedFromTable } from '../../app/protocol/painted-schedule.js';
import type { Workflow } from '../../app/protocol/index.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { registerScheduleCommand } from '../../app/cli/commands/schedule.js';

async function schedule(args: readonly string[]): Promise<string> {
  let out = '';
  const program = new Command('scalecrafter')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (out += text), writeErr: () => undefined });
  registerScheduleCommand(program);
  await program.parseAsync(['schedule', ...args], { from: 'user' });
  return out;
}

interface ScheduleJson {
  preset: string | null;
  steps: number;
  convs: string[];
  main: number[][];
  noiseDampedBase: (number | null)[][];
  ignored: { redilation: string[] };
}

const json = async (args: readonly string[]) => JSON.parse(await schedule([...args, '--json'])) as ScheduleJson;

/** One value per step from inclusive [lastStep, value] ranges, 1 after the last range. */
function ranges(list: readonly (readonly [number, number])[], steps: number): number[] {
  const values: number[] = [];
  for (const [last, value] of list) while (values.length <= last) values.push(value);
  while (values.length < steps) values.push(1);
  return values;
}

describe('scalecrafter schedule', () => {
  test('--json gives every candidate conv at every step for both passes (SD 1.5 2048², spec §5)', async () => {
    const result = await json(['--preset', 'sd1.5_2048x2048']);
    assert.equal(result.convs.length, 50);
    const row = (conv: string) => result.convs.indexOf(conv);
    assert.deepEqual(result.main[row('down_blocks.3.resnets.0.conv1')], ranges([[8, 4], [17, 3], [34, 2]], 50));
    assert.deepEqual(result.main[row('down_blocks.2.downsamplers.0.conv')], ranges([[11, 3], [34, 2]], 50));
    assert.deepEqual(result.main[row('down_blocks.0.resnets.0.conv1')], ranges([], 50));
    const ndcfg = result.noiseDampedBase[row('up_blocks.1.upsamplers.0.conv')]!;
    assert.deepEqual(ndcfg.slice(0, 35), ranges([[11, 3], [34, 2]], 35));
    assert.ok(ndcfg.slice(35).every((value) => value === null));
    assert.ok(result.noiseDampedBase[row('up_blocks.2.resnets.0.conv1')]!.slice(0, 35).every((value) => value === 1));
  });

  test('--steps rescales the taus (SD 2.1 2048² D2 downsampler at 25 steps: τ 37 → 19)', async () => {
    const result = await json(['--preset', 'sd2.1_2048x2048', '--steps', '25']);
    assert.equal(result.steps, 25);
    assert.deepEqual(result.main[result.convs.indexOf('down_blocks.2.downsamplers.0.conv')], ranges([[4, 4], [9, 3], [18, 2]], 25));
    assert.deepEqual(result.main[result.convs.indexOf('down_blocks.2.resnets.0.conv1')], ranges([[6, 3], [18, 2]], 25));
  });

  test('the text table groups convs by block and merges steps where nothing changes', async () => {
    const text = await schedule(['--preset', 'sd1.5_2048x2048']);
    assert.match(text, /conv\s+0–8\s+9–11\s+12–17\s+18–34\s+35–49\n/);
    assert.match(text, /down_blocks\.3\.resnets \(4\)\s+4\s+3\s+3\s+2\s+·\n/);
    assert.match(text, /down_blocks\.2\.downsamplers\.0\.conv\s+3\s+3\s+2\s+2\s+·\n/);
    assert.match(text, /up_blocks\.0\.upsamplers\.0\.conv\s+4\s+3\s+3\s+2\s+off\n/);
  });

  test('SDXL presets report the reference names the SDXL UNet lacks', async () => {
    const result = await json(['--preset', 'sdxl_2048x2048']);
    assert.equal(result.convs.length, 38);
    assert.equal(result.ignored.redilation.length, 4);
    assert.match(await schedule(['--preset', 'sdxl_2048x2048']), /Ignored, not in this UNet.*down_blocks\.3\.resnets\.0\.conv1/);
  });

  test('--family with --size picks the nearest preset, or none near the native size', async () => {
    assert.equal((await json(['--family', 'sdxl', '--size', '3072x3072'])).preset, 'sdxl_4096x2048');
    assert.equal((await json(['--family', 'sdxl', '--size', '1152x896'])).preset, null);
  });

  test('--list, and no preset at all, list the presets', async () => {
    const list = JSON.parse(await schedule(['--list', '--json'])) as { name: string }[];
    assert.equal(list.length, 16);
    const text = await schedule([]);
    for (const { name } of list) assert.match(text, new RegExp(`^  ${name.replace('.', '\\.')} `, 'm'));
  });

  test('bad input fails with a message that says what to use', async () => {
    await assert.rejects(schedule(['--preset', 'sd3_1024x1024']), (error: unknown) => {
      // The program's one reporter (cli/main.ts) prints the message and the hint.
      assert.ok(error instanceof UserFacingError);
      assert.match(error.message, /unknown ScaleCrafter preset "sd3_1024x1024"/);
      assert.match(error.hint ?? '', /known presets: .*sdxl_4096x4096/);
      return true;
    });
    await assert.rejects(schedule(['--preset', 'sd1.5_1024x1024', '--steps', '0']), { code: 'commander.invalidArgument' });
    await assert.rejects(schedule(['--family', 'sdxl']), { code: 'scalecrafter.missingOption' });
  });

  test('--workflow gives the table the Sampler feeds; a PaintedSchedule made from it gives the same table', async () => {
    const models = emojiSourcesCopy();
    const folder = mkdtempSync(path.join(tmpdir(), 'schedule-workflow-'));
    const workflow = JSON.parse(readFileSync(new URL('../../workflows/scalecrafter-4x.json', import.meta.url), 'utf8')) as Workflow;
    const original = path.join(folder, 'redilate.json');
    writeFileSync(original, JSON.stringify(workflow));
    interface WorkflowJson { steps: number; convs: string[]; main: number[][]; noiseDampedBase: (number | null)[][]; dispersed: boolean[][] }
    const fromText = JSON.parse(await schedule(['--workflow', original, '--models', models, '--json'])) as WorkflowJson;
    assert.equal(fromText.steps, 25);
    // ReDilate 'down_blocks.1:2 …' over [0, 0.6): ×2 while step < 15 on its blocks.
    assert.deepEqual(fromText.main[fromText.convs.indexOf('mid_block.resnets.0.conv1')], [...Array<number>(15).fill(2), ...Array<number>(10).fill(1)]);
    const perStep = <T>(byConv: T[][]) => Array.from({ length: fromText.steps }, (_, step) => byConv.map((row) => row[step]!));
    const painted = formatPaintedSchedule(paintedFromTable({ steps: fromText.steps, convs: fromText.convs, main: perStep(fromText.main), noiseDampedBase: perStep(fromText.noiseDampedBase).map(() => null), dispersed: perStep(fromText.dispersed) }));
    const node = workflow.nodes.find((candidate) => candidate.type === 'ReDilate')!;
    Object.assign(node, { type: 'PaintedSchedule', widgets: { schedule: painted, eta: 0.05 } });
    const repainted = path.join(folder, 'painted.json');
    writeFileSync(repainted, JSON.stringify(workflow));
    const fromCells = JSON.parse(await schedule(['--workflow', repainted, '--models', models, '--json'])) as WorkflowJson;
    assert.deepEqual(fromCells.main, fromText.main);
    assert.deepEqual(fromCells.dispersed, fromText.dispersed);
    assert.match(await schedule(['--workflow', repainted, '--models', models]), /Sampler #5, MODEL from node #8, 25 steps/);
  });
});
