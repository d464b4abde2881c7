/**
 * A ComfyUI user's setup: the app pointed at an existing ComfyUI install (engine config `comfyui`),
 * whose models/checkpoints and models/vae hold the files, and whose extra_model_paths.yaml adds an
 * A1111-style VAE folder. A ComfyUI workflow naming them (ckpt_name with a subfolder, VAELoader's
 * vae_name) is imported and runs to a PNG; VAELoader's VAE is the file's own, in every layout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importComfyUi } from '../../app/engine/comfyui/import-comfyui.js';
import { decodeLatents } from '../../app/diffusion/pipeline/vae-codec.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { importCheckpoint } from '../../app/models/checkpoint/index.js';
import { importVaeFile, openVaeFolder } from '../../app/models/checkpoint/vae-file.js';
import { openPipelineFolder, type VaeModel } from '../../app/models/pipeline-folder.js';
import { writeDiffusersVaeFile, writeLdmVaeFile, writeRunnableSd1Checkpoint } from '../support/checkpoint-models.js';
import { EngineHarness, type JobRecord } from '../support/engine-harness.js';

/** The checkpoint's seed: a VAE file written with it holds the checkpoint's own VAE. */
const CHECKPOINT_SEED = 7;
const SIDE = 32;

function comfyWorkflow(ckptName: string, vaeName: string | null): Record<string, unknown> {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/comfyui/default-workflow-api.json', import.meta.url), 'utf8')) as Record<string, { inputs: Record<string, unknown> }>;
  fixture['4']!.inputs.ckpt_name = ckptName;
  Object.assign(fixture['5']!.inputs, { width: SIDE, height: SIDE });
  Object.assign(fixture['3']!.inputs, { steps: 2, seed: 3 });
  if (vaeName === null) return fixture;
  fixture['8']!.inputs.vae = ['10', 0];
  return { ...fixture, 10: { inputs: { vae_name: vaeName }, class_type: 'VAELoader', _meta: { title: 'Load VAE' } } };
}

async function runImported(engine: EngineHarness, json: Record<string, unknown>): Promise<JobRecord> {
  const imported = importComfyUi(json, engine.registry);
  assert.ok(imported.ok, imported.ok ? '' : JSON.stringify(imported.issues));
  assert.deepEqual(imported.unknownTypes, []);
  return engine.run(imported.workflow);
}

function savedPng(engine: EngineHarness, job: JobRecord): Buffer {
  assert.equal(job.end.type, 'done', JSON.stringify(job.end));
  const saved = job.outputOf('9')?.images as Array<{ filename: string; subfolder: string }>;
  return readFileSync(path.join(engine.outputDir, saved[0]!.subfolder, saved[0]!.filename));
}

function failureOf(job: JobRecord) {
  assert.equal(job.end.type, 'error', JSON.stringify(job.end));
  return job.end.type === 'error' ? job.end.failure : undefined!;
}

describe('a ComfyUI install\'s models', () => {
  let root = '';
  let comfy = '';
  let engine: () => EngineHarness;
  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'comfy-install-'));
    comfy = path.join(root, 'ComfyUI');
    await writeRunnableSd1Checkpoint(path.join(comfy, 'models', 'checkpoints', 'SD1', 'tiny-sd1.safetensors'), CHECKPOINT_SEED);
    await writeLdmVaeFile(path.join(comfy, 'models', 'vae', 'same-vae.safetensors'), '', CHECKPOINT_SEED);
    await writeLdmVaeFile(path.join(root, 'webui', 'models', 'VAE', 'other-vae.safetensors'), 'first_stage_model.', 99);
    writeFileSync(path.join(comfy, 'models', 'vae', 'old.pt'), Buffer.from([0x80, 0x02]));
    writeFileSync(path.join(comfy, 'extra_model_paths.yaml'), 'a111:\n  base_path: ../webui\n  vae: |\n    models/VAE\n');
    const modelsDir = path.join(root, 'app-models');
    engine = () => new EngineHarness({ modelsDir, comfyui: comfy });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('an imported ComfyUI workflow finds its ckpt_name (a subfolder, either slash) and runs to the PNG', async () => {
    const harness = engine();
    const png = decodePng(savedPng(harness, await runImported(harness, comfyWorkflow('SD1\\tiny-sd1.safetensors', null))));
    assert.deepEqual([png.width, png.height], [SIDE, SIDE]);
  });

  test('VAELoader lists the vae folders, and its VAE replaces the checkpoint\'s: the same weights give the same image, others another', async () => {
    const harness = engine();
    const input = harness.registry.get('VAELoader')!.schema.inputs[0]!;
    assert.deepEqual(input.kind === 'STRING' ? input.suggestions : undefined, ['old.pt', 'other-vae.safetensors', 'same-vae.safetensors']);
    const own = savedPng(harness, await runImported(harness, comfyWorkflow('SD1/tiny-sd1.safetensors', null)));
    const sameJob = await runImported(harness, comfyWorkflow('SD1/tiny-sd1.safetensors', 'same-vae.safetensors'));
    const said = sameJob.events.filter((event) => event.type === 'message' && event.nodeId === '10').map((event) => (event as { text: string }).text);
    assert.ok(said.some((text) => /^converting .*same-vae\.safetensors into .*\.imported-vae/.test(text)), said.join('\n'));
    assert.ok(sameJob.events.some((event) => event.type === 'progress' && event.nodeId === '10'), 'the conversion shows progress on the node');
    const same = savedPng(harness, sameJob);
    const other = savedPng(harness, await runImported(harness, comfyWorkflow('SD1/tiny-sd1.safetensors', 'other-vae.safetensors')));
    assert.deepEqual(decodePng(same).data, decodePng(own).data, 'the checkpoint\'s VAE as a bare-key file decodes identically');
    assert.notDeepEqual(decodePng(other).data, decodePng(own).data);
  });

  test('VAELoader errors name the field: an unknown name refused up front with the choices, a pickle file when it runs', async () => {
    const harness = engine();
    const result = harness.enqueue(comfyWorkflow('SD1/tiny-sd1.safetensors', 'nope.safetensors'));
    const missing = result.ok ? undefined : result.issues[0];
    assert.deepEqual([missing?.code, missing?.nodeId, missing?.field], ['not_in_options', '10', 'vae_name'], JSON.stringify(result));
    assert.match(missing!.message, /"nope\.safetensors" is not among the vae/);
    assert.match(missing!.hint ?? '', /choose one of: old\.pt, other-vae\.safetensors, same-vae\.safetensors/);
    const pickle = failureOf(await runImported(engine(), comfyWorkflow('SD1/tiny-sd1.safetensors', 'old.pt')));
    assert.deepEqual([pickle.nodeType, pickle.field], ['VAELoader', 'vae_name']);
    assert.match(pickle.message, /old\.pt is a pickle checkpoint/);
  });
});

describe('VAE files in each layout decode as the checkpoint\'s own VAE', () => {
  test('first_stage_model. keys, bare keys and diffusers names with config.json: bitwise the same decode; a config beside the file sets the scale', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vae-layouts-'));
    const modelsDir = path.join(dir, 'models');
    const checkpoint = path.join(dir, 'ckpt.safetensors');
    await writeRunnableSd1Checkpoint(checkpoint, CHECKPOINT_SEED);
    await writeLdmVaeFile(path.join(dir, 'prefixed.safetensors'), 'first_stage_model.', CHECKPOINT_SEED);
    await writeLdmVaeFile(path.join(dir, 'bare', 'bare.safetensors'), '', CHECKPOINT_SEED);
    writeFileSync(path.join(dir, 'bare', 'bare.json'), JSON.stringify({ scaling_factor: 0.13025 }));
    await writeDiffusersVaeFile(path.join(dir, 'diffusers', 'diffusion_pytorch_model.safetensors'), CHECKPOINT_SEED);

    const reference: VaeModel = openPipelineFolder((await importCheckpoint(checkpoint, { modelsDir })).folder);
    const loaded = async (file: string) => openVaeFolder((await importVaeFile(path.join(dir, file), { modelsDir })).folder, file);
    const layouts = [await loaded('prefixed.safetensors'), await loaded(path.join('bare', 'bare.safetensors')), await loaded(path.join('diffusers', 'diffusion_pytorch_model.safetensors'))];
    assert.deepEqual(layouts.map((vae) => vae.latentScale), [0.18215, 0.13025, 0.18215]);

    const dims = [1, 4, 4, 4] as const;
    const samples = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.2);
    // The scales are checked above; decoding with one scale compares the graphs bitwise.
    const decode = (vae: VaeModel) => decodeLatents({ ...vae, latentScale: reference.latentScale }, { samples, dims }, 'cpu');
    const expected = await decode(reference);
    for (const vae of layouts) assert.deepEqual(await decode(vae), expected, vae.name);
    rmSync(dir, { recursive: true, force: true });
  });
});
