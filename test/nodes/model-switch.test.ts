import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sessionPool } from '../../app/diffusion/pipeline/model-sessions.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';
import { tinyModelsDir } from '../support/tiny-model.js';

test('switching to another model releases the previous model\'s sessions; reloading the same one keeps them', async () => {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'switch-models-'));
  for (const name of ['first', 'second']) cpSync(path.join(await tinyModelsDir(), 'tiny-sd'), path.join(modelsDir, name), { recursive: true });
  const engine = new EngineHarness({ modelsDir });
  const run = async (model: string) => {
    const workflow = defaultWorkflow();
    nodeOfType(workflow, 'LoadCheckpoint').widgets.model = model;
    nodeOfType(workflow, 'Sampler').widgets.steps = 2;
    return engine.run(workflow);
  };
  await run('first');
  assert.ok(sessionPool.isOpen(path.join(modelsDir, 'first', 'unet', 'model.onnx'), 'cpu'));
  const second = await run('second');
  assert.ok(second.events.some((event) => event.type === 'message' && /released \d+ sessions? of the previous model/.test(event.text)));
  assert.equal(sessionPool.isOpen(path.join(modelsDir, 'first', 'unet', 'model.onnx'), 'cpu'), false);
  assert.ok(sessionPool.isOpen(path.join(modelsDir, 'second', 'unet', 'model.onnx'), 'cpu'));
});
