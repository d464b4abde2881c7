/**
 * The installed app's situation: an empty models folder and a read-only bundle holding the
 * emoji-pixel-32 sources (electron-builder.yml's extraResources). The shipped default workflow runs
 * through the engine as it is: LoadCheckpoint copies the bundled folder, builds its graphs in the
 * copy, and the bundle is left untouched.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { BUILD_STAMP_FILE } from '../../app/models/pipeline-sources.js';
import type { EngineEvent } from '../../app/protocol/index.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';

/** Every file under `root` with its content, by relative path. */
function filesOf(root: string): Map<string, string> {
  const entries = (readdirSync(root, { recursive: true }) as string[]).filter((relative) => statSync(path.join(root, relative)).isFile());
  return new Map(entries.sort().map((relative) => [relative, readFileSync(path.join(root, relative)).toString('base64')]));
}

const infoMessages = (job: JobRecord, pattern: RegExp) =>
  job.events.filter((event): event is Extract<EngineEvent, { type: 'message' }> => event.type === 'message' && pattern.test(event.text));

describe('a bundled model in an installed app', () => {
  let modelsDir: string;
  let bundledModelsDir: string;
  let bundleBefore: Map<string, string>;
  before(() => {
    modelsDir = path.join(mkdtempSync(path.join(tmpdir(), 'user-data-')), 'models');
    bundledModelsDir = emojiSourcesCopy();
    bundleBefore = filesOf(bundledModelsDir);
  });

  function runDefaultWorkflow(engine: EngineHarness) {
    const workflow = defaultWorkflow();
    assert.equal(nodeOfType(workflow, 'LoadCheckpoint').widgets.model, EMOJI_MODEL_NAME, 'the shipped default workflow uses the bundled model');
    return engine.run(workflow);
  }

  test('the default workflow copies it into the models folder, builds it there and writes the image', async () => {
    const engine = new EngineHarness({ modelsDir, bundledModelsDir });
    const modelInput = engine.registry.get('LoadCheckpoint')!.schema.inputs.find((input) => input.name === 'model');
    const suggestions = modelInput?.kind === 'STRING' ? modelInput.suggestions : undefined;
    assert.ok(suggestions?.includes(EMOJI_MODEL_NAME), `the model widget offers the bundled model: ${JSON.stringify(suggestions)}`);

    const job = await runDefaultWorkflow(engine);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    assert.equal(infoMessages(job, /copied the bundled model emoji-pixel-32/).length, 1);
    assert.equal(infoMessages(job, /building the ONNX graphs of emoji-pixel-32/).length, 1);
    const copy = path.join(modelsDir, EMOJI_MODEL_NAME);
    for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) assert.ok(existsSync(path.join(copy, component, 'model.onnx')), component);
    assert.ok(existsSync(path.join(copy, BUILD_STAMP_FILE)));

    const saved = job.outputOf(String(nodeOfType(defaultWorkflow(), 'SaveImage').id))?.images as Array<{ filename: string; subfolder: string }>;
    const png = decodePng(readFileSync(path.join(engine.outputDir, saved[0]!.subfolder, saved[0]!.filename)));
    const latent = nodeOfType(defaultWorkflow(), 'EmptyLatentImage').widgets;
    assert.deepEqual([png.width, png.height], [latent.width, latent.height]);

    assert.deepEqual(filesOf(bundledModelsDir), bundleBefore, 'the bundle is left as it was: no graphs, no stamp');
  });

  test('the next start reuses the copy: nothing copied, nothing built', async () => {
    const job = await runDefaultWorkflow(new EngineHarness({ modelsDir, bundledModelsDir }));
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    assert.deepEqual(infoMessages(job, /copied the bundled model|building the ONNX graphs/), []);
    assert.deepEqual(filesOf(bundledModelsDir), bundleBefore);
  });

  test('a name in neither folder is refused before running, on the model field, the bundled model among the choices', () => {
    const workflow = defaultWorkflow();
    nodeOfType(workflow, 'LoadCheckpoint').widgets.model = 'no-such-model';
    const result = new EngineHarness({ modelsDir, bundledModelsDir }).enqueue(workflow);
    const issue = result.ok ? undefined : result.issues.find((candidate) => candidate.field === 'model');
    assert.deepEqual([issue?.code, issue?.nodeType], ['not_in_options', 'LoadCheckpoint'], JSON.stringify(result));
    assert.match(issue!.message, /"no-such-model" is not among/);
    assert.match(issue!.hint ?? '', /emoji-pixel-32/);
    assert.equal(existsSync(path.join(modelsDir, 'no-such-model')), false);
  });
});
