/**
 * LoadCheckpoint given a single-file checkpoint: the workflow runs through the engine to a PNG, the
 * file converted once (progress and an info message on the node) and reused after; the widget lists
 * pipeline folders and checkpoint files together; unknown names and pickle files fail on the field;
 * the prediction widget reaches the importer.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { importedFolderFor } from '../../app/models/checkpoint/index.js';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import type { EngineEvent, Workflow } from '../../app/protocol/index.js';
import { writeRunnableSd1Checkpoint } from '../support/checkpoint-models.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';

const CHECKPOINT_NAME = 'SD1/tiny-sd1.safetensors';
/** EmptyLatentImage's smallest side; the test VAE halves it once (2 levels), the UNet's 3 levels need multiples of 8. */
const SIDE = 32;

function checkpointWorkflow(model: string): Workflow {
  const workflow = defaultWorkflow();
  nodeOfType(workflow, 'LoadCheckpoint').widgets.model = model;
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: SIDE, height: SIDE });
  nodeOfType(workflow, 'Sampler').widgets.steps = 2;
  return workflow;
}

const loaderId = (workflow: Workflow) => String(nodeOfType(workflow, 'LoadCheckpoint').id);

function eventsOn(job: JobRecord, nodeId: string) {
  const onNode = job.events.filter((event) => 'nodeId' in event && event.nodeId === nodeId);
  return {
    progress: onNode.filter((event): event is Extract<EngineEvent, { type: 'progress' }> => event.type === 'progress'),
    info: onNode.filter((event): event is Extract<EngineEvent, { type: 'message' }> => event.type === 'message').map((event) => event.text),
  };
}

function failureOf(job: JobRecord) {
  assert.equal(job.end.type, 'error', JSON.stringify(job.end));
  return job.end.type === 'error' ? job.end.failure : undefined!;
}

describe('LoadCheckpoint with a checkpoint file', () => {
  let modelsDir = '';
  before(async () => {
    modelsDir = path.join(mkdtempSync(path.join(tmpdir(), 'ckpt-node-')), 'models');
    await writeRunnableSd1Checkpoint(path.join(modelsDir, 'checkpoints', ...CHECKPOINT_NAME.split('/')));
    writeFileSync(path.join(modelsDir, 'checkpoints', 'old.ckpt'), Buffer.from([0x80, 0x02, 0x7d, 0x71]));
    writeFileSync(path.join(modelsDir, 'loose.safetensors'), '');
    mkdirSync(path.join(modelsDir, 'my-pipeline'));
    writeFileSync(path.join(modelsDir, 'my-pipeline', 'model_index.json'), '{}');
  });
  after(() => rmSync(path.dirname(modelsDir), { recursive: true, force: true }));

  test('the widget lists pipeline folders and checkpoint files in one list, ComfyUI\'s names for files in subfolders', () => {
    const input = new EngineHarness({ modelsDir }).registry.get('LoadCheckpoint')!.schema.inputs.find((candidate) => candidate.name === 'model');
    const suggestions = input?.kind === 'STRING' ? input.suggestions ?? [] : [];
    for (const name of ['my-pipeline', CHECKPOINT_NAME, 'old.ckpt', 'loose.safetensors']) assert.ok(suggestions.includes(name), `${name} in ${JSON.stringify(suggestions)}`);
    assert.ok(!suggestions.some((name) => name.startsWith('.imported')), 'converted folders are not offered');
  });

  test('a workflow on the checkpoint converts it once (progress, an info message) and writes the PNG', async () => {
    const workflow = checkpointWorkflow(CHECKPOINT_NAME);
    const engine = new EngineHarness({ modelsDir });
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const { progress, info } = eventsOn(job, loaderId(workflow));
    assert.ok(progress.length > 10, `progress events: ${progress.length}`);
    assert.equal(progress.at(-1)!.value, progress.at(-1)!.max, 'progress reaches every converted tensor');
    const checkpoint = path.join(modelsDir, 'checkpoints', 'SD1', 'tiny-sd1.safetensors');
    assert.ok(info.some((text) => text.includes(`converting ${checkpoint} into ${importedFolderFor(checkpoint, modelsDir)}`)), info.join('\n'));
    const saved = job.outputOf(String(nodeOfType(workflow, 'SaveImage').id))?.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, saved[0]!.subfolder, saved[0]!.filename)));
    assert.deepEqual([png.width, png.height], [SIDE, SIDE]);

    const again = await new EngineHarness({ modelsDir }).run(checkpointWorkflow(CHECKPOINT_NAME));
    assert.equal(again.end.type, 'done', JSON.stringify(again.end));
    assert.deepEqual(eventsOn(again, loaderId(workflow)).info.filter((text) => text.startsWith('converting')), [], 'the converted folder is reused');
  });

  test('a file replaced under the same name runs the node again and is converted again', async () => {
    const engine = new EngineHarness({ modelsDir });
    const workflow = checkpointWorkflow(CHECKPOINT_NAME);
    const first = await engine.run(workflow);
    assert.equal(first.end.type, 'done', JSON.stringify(first.end));
    assert.ok((await engine.run(workflow)).cached.includes(loaderId(workflow)), 'unchanged: cached');
    const checkpoint = path.join(modelsDir, 'checkpoints', 'SD1', 'tiny-sd1.safetensors');
    const later = new Date(Date.now() + 120_000);
    utimesSync(checkpoint, later, later);
    const changed = await engine.run(workflow);
    assert.equal(changed.end.type, 'done', JSON.stringify(changed.end));
    assert.ok(changed.executed.includes(loaderId(workflow)));
    assert.equal(eventsOn(changed, loaderId(workflow)).info.filter((text) => text.startsWith('converting')).length, 1);
  });

  test('an absolute path to the file loads the same converted folder', async () => {
    const workflow = checkpointWorkflow(path.join(modelsDir, 'checkpoints', 'SD1', 'tiny-sd1.safetensors'));
    const job = await new EngineHarness({ modelsDir }).run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    assert.deepEqual(eventsOn(job, loaderId(workflow)).info.filter((text) => text.startsWith('converting')), []);
  });

  test('a .ckpt is refused on the model field with the importer\'s reason', async () => {
    const failure = failureOf(await new EngineHarness({ modelsDir }).run(checkpointWorkflow('old.ckpt')));
    assert.deepEqual([failure.nodeType, failure.field], ['LoadCheckpoint', 'model']);
    assert.match(failure.message, /old\.ckpt is a pickle checkpoint/);
    assert.match(failure.hint ?? '', /safetensors/);
  });

  test('an unknown name is refused before running, on the model field, the choices in the hint', () => {
    const result = new EngineHarness({ modelsDir }).enqueue(checkpointWorkflow('SD1/missing.safetensors'));
    const issue = result.ok ? undefined : result.issues[0];
    assert.deepEqual([issue?.code, issue?.nodeType, issue?.field], ['not_in_options', 'LoadCheckpoint', 'model'], JSON.stringify(result));
    assert.match(issue!.message, /"SD1\/missing\.safetensors" is not among/);
    assert.match(issue!.hint ?? '', /choose one of: .*my-pipeline.*SD1\/tiny-sd1\.safetensors/);
  });

  test('the prediction widget overrides detection and converts the file again', async () => {
    const workflow = checkpointWorkflow(CHECKPOINT_NAME);
    nodeOfType(workflow, 'LoadCheckpoint').widgets.prediction = 'v_prediction';
    const job = await new EngineHarness({ modelsDir }).run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    assert.equal(eventsOn(job, loaderId(workflow)).info.filter((text) => text.startsWith('converting')).length, 1);
    const checkpoint = path.join(modelsDir, 'checkpoints', 'SD1', 'tiny-sd1.safetensors');
    assert.equal(openPipelineFolder(importedFolderFor(checkpoint, modelsDir)).scheduler.prediction_type, 'v_prediction');
  });
});
