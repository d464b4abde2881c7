/**
 * `scalecrafter run --batch-count N` on a ComfyUI workflow file: each run gets the next value of every
 * controlled widget, as ComfyUI's frontend queues a batch — the KSampler's own seed control and a
 * PrimitiveInt's control (fed into steps) both move between runs; the first run uses the file's values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { runCli } from '../support/cli-process.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { tinyDefaultGraph, widgetInput } from '../engine/comfyui/comfy-slots.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-batch-'));

/** ComfyUI's default graph at the tiny model's size, seed control `increment`, steps from a PrimitiveInt set to `decrement`. */
function controlledWorkflow(): string {
  const graph = tinyDefaultGraph({ samplerWidgets: [5, 'increment', 20, 7, 'euler', 'normal', 1], samplerInputs: [widgetInput('steps', 'INT')], prefix: 'batch' });
  graph.add(10, 'PrimitiveInt', { outputs: [{ name: 'INT', type: 'INT' }] }, [3, 'decrement']);
  graph.connect(10, 0, 3, 'steps');
  const file = path.join(dir, 'controlled.json');
  writeFileSync(file, JSON.stringify(graph.workflow()));
  return file;
}

/** The seed and steps the KSampler ran with, from the prompt chunk of the PNG. */
function samplerInputs(png: string): { seed: unknown; steps: unknown } {
  const prompt = JSON.parse(decodePng(readFileSync(png)).text.prompt!) as Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  const sampler = Object.values(prompt).find((node) => node.class_type === 'KSampler')!;
  const steps = sampler.inputs.steps;
  // steps arrives by link from the PrimitiveInt: read the value it held.
  const stepsValue = Array.isArray(steps) ? prompt[String(steps[0])]!.inputs.value : steps;
  return { seed: sampler.inputs.seed, steps: stepsValue };
}

describe('scalecrafter run --batch-count', () => {
  let models = '';
  before(async () => {
    models = await tinyModelsDir();
  });

  test('each run takes the next seed and the next primitive value, as ComfyUI\'s batch count does', async () => {
    const out = path.join(dir, 'out');
    const result = await runCli(['run', controlledWorkflow(), '--out', out, '--models', models, '--batch-count', '3', '--json'], { timeoutMs: 300_000 });
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { status: string; files: string[]; runs: { status: string; files: string[] }[] };
    assert.equal(summary.status, 'success');
    assert.equal(summary.runs.length, 3);
    assert.deepEqual(summary.runs.map((run) => samplerInputs(run.files[0]!)), [
      { seed: 5, steps: 3 },
      { seed: 6, steps: 2 },
      { seed: 7, steps: 1 },
    ]);
  });

  test('--set applies to every run and the controls move on from it', async () => {
    const out = path.join(dir, 'set');
    const result = await runCli(['run', controlledWorkflow(), '--out', out, '--models', models, '--batch-count', '2', '--set', '3.seed=40', '--json'], { timeoutMs: 300_000 });
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { runs: { files: string[] }[] };
    assert.deepEqual(summary.runs.map((run) => samplerInputs(run.files[0]!).seed), [40, 41]);
  });

  test('a batch count that is not a whole number from 1 to 100 is refused', async () => {
    const result = await runCli(['run', controlledWorkflow(), '--batch-count', '0']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /"0" is not a whole number from 1 to 100/);
  });
});
