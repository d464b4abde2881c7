/**
 * LoRA files written here (kohya with alphas, a LoCon 3×3/1×1 and a 1×1 conv; PEFT without) merged
 * into the tiny SD pipeline's UNet and text encoder by the sessions the app opens, against the same
 * components built by the graph builders from weights merged the direct way
 * (test/reference/lora.ts). Tolerance: atol 1e-5 + rtol 1e-4 on the outputs (float32 graphs whose
 * weights differ only in summation order and float64 vs float32 rounding).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runTextEncoder } from '../../../app/diffusion/pipeline/clip-encoder-run.js';
import { leaseComponent } from '../../../app/diffusion/pipeline/model-sessions.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import { generateTinyClipVocabulary } from '../../../app/diffusion/tokenizer/tiny-clip-vocabulary.js';
import type { AppliedLora } from '../../../app/models/lora/lora-merge.js';
import { fileFingerprint } from '../../../app/models/model-files.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { EXPORT_CONVENTIONS, type ExportConventions } from '../../../app/models/sd/export-conventions.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { TINY_SD_SEED, tinyBuildContext, writeTinyStableDiffusion } from '../../../app/models/tiny-sd.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { difference } from '../../reference/compare.js';
import { mergeLoraReference, type ReferenceLoraUpdate } from '../../reference/lora.js';
import { withOverrides } from '../../reference/weight-overrides.js';
import { convModule, linearModule, seededValues, writeLoraFile, type TestLoraModule } from '../../support/lora-files.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

const TOLERANCE = { atol: 1e-5, rtol: 1e-4 };
const ATTENTION = 'down_blocks.1.attentions.0';
const BLOCK = `${ATTENTION}.transformer_blocks.0`;

const KOHYA_MODULES: readonly TestLoraModule[] = [
  linearModule('unet', `${BLOCK}.attn1.to_q`, 64, 64, 4, 11, 2),
  linearModule('unet', `${BLOCK}.attn2.to_k`, 32, 64, 4, 13, 8),
  linearModule('unet', `${BLOCK}.ff.net.2`, 256, 64, 4, 15),
  convModule('down_blocks.0.resnets.0.conv1', 32, 32, 3, 4, 17, 1),
  convModule(`${ATTENTION}.proj_in`, 64, 64, 1, 4, 19, 4),
  linearModule('text_encoder', 'text_model.encoder.layers.0.self_attn.q_proj', 32, 32, 4, 21, 4),
  linearModule('text_encoder', 'text_model.encoder.layers.1.mlp.fc1', 32, 37, 4, 23),
];
const PEFT_MODULES: readonly TestLoraModule[] = [
  linearModule('unet', `${BLOCK}.attn1.to_q`, 64, 64, 2, 31),
  linearModule('unet', 'mid_block.attentions.0.transformer_blocks.0.attn1.to_out.0', 64, 64, 2, 33),
  convModule('up_blocks.1.resnets.0.conv1', 96, 32, 3, 2, 35),
  linearModule('text_encoder', 'text_model.encoder.layers.0.self_attn.v_proj', 32, 32, 2, 37),
];

/** kohya's names in the UNet's LDM layout (sd-scripts' SDXL files), on tiny-sd's 2 resnets per block. */
const LDM_MODULES: readonly TestLoraModule[] = [
  { ...linearModule('unet', `${BLOCK}.attn1.to_k`, 64, 64, 4, 71, 2), fileName: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_k' },
  { ...convModule('mid_block.resnets.0.conv1', 64, 64, 3, 4, 73, 4), fileName: 'lora_unet_middle_block_0_in_layers_2' },
  { ...convModule('up_blocks.1.resnets.0.conv_shortcut', 96, 32, 1, 4, 75), fileName: 'lora_unet_output_blocks_3_0_skip_connection' },
  { ...linearModule('unet', 'up_blocks.0.attentions.1.proj_out', 64, 64, 4, 77), fileName: 'lora_unet_output_blocks_1_1_proj_out' },
  { ...linearModule('unet', 'time_embedding.linear_2', 128, 128, 4, 79), fileName: 'lora_unet_time_embed_2' },
];

interface TestLora {
  readonly file: string;
  readonly modules: readonly TestLoraModule[];
}

function applied(lora: TestLora, strength: number): AppliedLora {
  return { file: lora.file, fingerprint: fileFingerprint(lora.file), strength, components: [...new Set(lora.modules.map((module) => module.component))] as AppliedLora['components'] };
}

/** Parameter name (torch layout, as the builders ask for it) → the updates the LoRAs make to it. */
function referenceUpdates(loras: ReadonlyArray<{ lora: TestLora; strength: number }>, component: string): Map<string, ReferenceLoraUpdate[]> {
  const updates = new Map<string, ReferenceLoraUpdate[]>();
  for (const { lora, strength } of loras) {
    for (const module of lora.modules.filter((candidate) => candidate.component === component)) {
      const name = `${module.module}.weight`;
      const update = { up: module.up.values, down: module.down.values, rank: module.down.shape[0]!, strength, ...(module.alpha === undefined ? {} : { alpha: module.alpha }) };
      updates.set(name, [...(updates.get(name) ?? []), update]);
    }
  }
  return updates;
}

/** The tiny pipeline's UNet and text encoder built again with the directly merged weights. */
function referenceComponents(loras: ReadonlyArray<{ lora: TestLora; strength: number }>, conventions?: ExportConventions): { unet: OnnxModel; textEncoder: OnnxModel } {
  const build = tinyBuildContext(TINY_SD_SEED, conventions);
  const configs = tinyPipelineConfigs(Object.keys(generateTinyClipVocabulary().vocab).length);
  const merged = (component: string) => {
    const updates = referenceUpdates(loras, component);
    return withOverrides(build.weights, (name, shape) => (updates.has(name) ? mergeLoraReference(build.weights.tensor(name, shape), updates.get(name)!) : undefined));
  };
  return {
    unet: buildUNet(parseUNetConfig(configs.unet), merged('unet'), build.layout.unet),
    textEncoder: buildClipTextModel(parseClipTextConfig(configs.textEncoder), merged('text_encoder'), build.layout.textEncoder),
  };
}

const SAMPLE_DIMS = [2, 4, 16, 16] as const;
const CONTEXT_DIMS = [2, 77, 32] as const;

async function unetOutput(session: ModelSession): Promise<Float32Array> {
  const unet = new UnetModel(session);
  return unet.predict(seededValues(2 * 4 * 16 * 16, 5, 1), SAMPLE_DIMS, 500, seededValues(2 * 77 * 32, 7, 1), CONTEXT_DIMS);
}

const PROMPT = 'a red fox in the snow';

async function openReference(model: OnnxModel): Promise<ModelSession> {
  return openSession(serializeModel(model), { executionProvider: 'cpu' });
}

function assertClose(actual: Float32Array, expected: Float32Array, label: string): void {
  const diff = difference(actual, expected, TOLERANCE);
  assert.ok(diff.withinTolerance, `${label}: element ${diff.worstIndex} is ${diff.worstActual}, the reference ${diff.worstExpected} (max |diff| ${diff.maxAbs})`);
}

describe('LoRA merged into the sessions', () => {
  let folder: PipelineFolder;
  let scratch = '';
  let kohya: TestLora;
  let peft: TestLora;
  let ldm: TestLora;
  let plainUnet: Float32Array;
  let plainText: Float32Array;

  before(async () => {
    folder = openPipelineFolder(path.join(await tinyModelsDir(), 'tiny-sd'));
    scratch = mkdtempSync(path.join(tmpdir(), 'lora-files-'));
    kohya = { file: path.join(scratch, 'kohya.safetensors'), modules: KOHYA_MODULES };
    peft = { file: path.join(scratch, 'peft.safetensors'), modules: PEFT_MODULES };
    await writeLoraFile(kohya.file, 'kohya', kohya.modules);
    await writeLoraFile(peft.file, 'peft', peft.modules);
    ldm = { file: path.join(scratch, 'kohya-ldm.safetensors'), modules: LDM_MODULES };
    await writeLoraFile(ldm.file, 'kohya', ldm.modules);
    plainUnet = await withUnet([], unetOutput);
    plainText = await textOutput([]);
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function withUnet<T>(loras: readonly AppliedLora[], use: (session: ModelSession) => Promise<T>): Promise<T> {
    const lease = await leaseComponent(folder.unet, 'unet', 'cpu', loras);
    try {
      return await use(lease.session);
    } finally {
      lease.release();
    }
  }

  async function textOutput(loras: readonly AppliedLora[]): Promise<Float32Array> {
    const run = await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, PROMPT, 'cpu', loras);
    return run.outputs.last_hidden_state!.data as Float32Array;
  }

  async function referenceText(model: OnnxModel): Promise<Float32Array> {
    const encoding = (await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, PROMPT, 'cpu')).encoding;
    const session = await openReference(model);
    try {
      const idsType = session.inputMetadata[0]!.type;
      const ids = idsType === 'int64' ? { type: 'int64' as const, data: BigInt64Array.from(encoding.ids, BigInt), dims: [1, encoding.ids.length] } : { type: 'int32' as const, data: encoding.ids, dims: [1, encoding.ids.length] };
      return (await session.run({ input_ids: ids })).last_hidden_state!.data as Float32Array;
    } finally {
      await session.release();
    }
  }

  async function checkAgainstReference(loras: ReadonlyArray<{ lora: TestLora; strength: number }>, label: string): Promise<void> {
    const appliedLoras = loras.map(({ lora, strength }) => applied(lora, strength));
    const reference = referenceComponents(loras);
    const expectedUnet = await openReference(reference.unet).then(async (session) => {
      try {
        return await unetOutput(session);
      } finally {
        await session.release();
      }
    });
    const actualUnet = await withUnet(appliedLoras, unetOutput);
    assert.ok(difference(actualUnet, plainUnet, TOLERANCE).maxAbs > 1e-2, `${label}: the LoRA must change the UNet's output`);
    assertClose(actualUnet, expectedUnet, `${label} UNet`);
    if (!loras.some(({ lora }) => lora.modules.some((module) => module.component === 'text_encoder'))) return;
    const actualText = await textOutput(appliedLoras);
    assert.ok(difference(actualText, plainText, TOLERANCE).maxAbs > 1e-2, `${label}: the LoRA must change the text encoder's output`);
    assertClose(actualText, await referenceText(reference.textEncoder), `${label} text encoder`);
  }

  test('a kohya LoRA (alphas, a LoCon 3×3 down / 1×1 up, a 1×1 conv, Linears) gives the directly merged outputs', async () => {
    await checkAgainstReference([{ lora: kohya, strength: 0.8 }], 'kohya');
  });

  test('a diffusers/PEFT LoRA (unet. and text_encoder. prefixes, lora_A/lora_B, no alpha) gives the directly merged outputs', async () => {
    await checkAgainstReference([{ lora: peft, strength: 1 }], 'PEFT');
  });

  test('kohya names in the UNet\'s LDM layout (input_blocks, middle_block, output_blocks, time_embed) land on the same weights', async () => {
    await checkAgainstReference([{ lora: ldm, strength: 1 }], 'LDM-named');
  });

  test('two LoRAs stack with their own strengths, also on a weight both change', async () => {
    await checkAgainstReference([{ lora: kohya, strength: 0.6 }, { lora: peft, strength: -1.5 }], 'stacked');
  });

  test('strength 0 leaves the weights as they are (the plain session, bit for bit)', async () => {
    assert.deepEqual(await withUnet([applied(kohya, 0)], unetOutput), plainUnet);
    assert.deepEqual(await textOutput([applied(kohya, 0)]), plainText);
  });
});

describe('LoRA on a float16 UNet whose weights lie in a model.onnx_data sidecar (optimum fp16)', () => {
  const conventions = EXPORT_CONVENTIONS['optimum-fp16'];
  let scratch = '';
  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'lora-fp16-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('the merged weights are read from the sidecar and rounded to float16 once: outputs within atol 2e-2 + rtol 2e-2 of the directly merged fp16 UNet', async () => {
    const unetPath = path.join(await writeTinyStableDiffusion(path.join(scratch, 'tiny-fp16'), { conventions }), 'unet', 'model.onnx');
    const lora = { file: path.join(scratch, 'kohya.safetensors'), modules: KOHYA_MODULES };
    await writeLoraFile(lora.file, 'kohya', lora.modules);
    const output = async (session: ModelSession) => unetOutput(session);
    const plainLease = await leaseComponent(unetPath, 'unet', 'cpu');
    const plain = await output(plainLease.session).finally(() => plainLease.release());
    const loraLease = await leaseComponent(unetPath, 'unet', 'cpu', [applied(lora, 1)]);
    const actual = await output(loraLease.session).finally(() => loraLease.release());
    const reference = await openReference(referenceComponents([{ lora, strength: 1 }], conventions).unet);
    const expected = await output(reference).finally(() => reference.release());
    const tolerance = { atol: 2e-2, rtol: 2e-2 };
    assert.ok(difference(actual, plain, tolerance).maxAbs > 0.5, 'the LoRA must change the output well beyond the tolerance');
    const diff = difference(actual, expected, tolerance);
    assert.ok(diff.withinTolerance, `element ${diff.worstIndex} is ${diff.worstActual}, the reference ${diff.worstExpected} (max |diff| ${diff.maxAbs})`);
  });
});
