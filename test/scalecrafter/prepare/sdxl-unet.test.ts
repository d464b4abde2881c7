/**
 * ScaleCrafter's three rewrites on an SDXL-architecture UNet (the tiny SDXL's: three levels, no
 * attention at the first, text_embeds/time_ids inputs): its candidate convs are SDXL's by their
 * diffusers names, so the SDXL presets' per-step tables apply to it as to the full model; FreeU
 * keys on its two largest up-block channel counts (as 1280 and 640 in SDXL) and matches the
 * reference step; Attn-SF finds every attn1; all controls off reproduce the plain UNet.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tinySdxlPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { TensorDataType } from '../../../app/onnx/data-type.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { serializeModel, writeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { dilationTable } from '../../../app/scalecrafter/dilation-table.js';
import { FREEU_DEFAULTS } from '../../../app/scalecrafter/freeu-defaults.js';
import { addAttentionScaleControls, attentionScaleFeeds, attentionScaleOffFeeds, readAttentionScaleLayout } from '../../../app/scalecrafter/prepare/attention-scale-controls.js';
import { findCandidateConvs } from '../../../app/scalecrafter/prepare/conv-candidates.js';
import { controlFeeds, offControlFeeds } from '../../../app/scalecrafter/prepare/controls.js';
import { addFreeUControls, freeUFeeds, readFreeULayout } from '../../../app/scalecrafter/prepare/freeu-controls.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { readPreparedUnetLayout } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { DEFAULT_DISPERSION_PARAMS } from '../../../app/scalecrafter/dispersion-transform.js';
import { DILATION_INPUT } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { preparedUnetFor } from '../../../app/scalecrafter/prepared-unet-cache.js';
import { MODEL_FAMILIES, presetByName } from '../../../app/scalecrafter/presets.js';
import { candidateConvNames } from '../../../app/scalecrafter/unet-convs.js';
import { assertAllClose, difference } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { floatFeed, toNdArray } from './conv-models.js';
import { freeUConcatReference } from './freeu-reference.js';

const CONFIG = tinySdxlPipelineConfigs(1000).unet;
const LATENT = [8, 6] as const;
const unet = buildUNet(parseUNetConfig(CONFIG), new SeededWeights(11));
const feeds: Record<string, HostTensor> = {
  sample: floatFeed(randn([2, 4, ...LATENT], 1), 'float32'),
  timestep: { type: 'float32', data: Float32Array.of(601), dims: [1] },
  encoder_hidden_states: floatFeed(randn([2, 7, 64], 2), 'float32'),
  text_embeds: floatFeed(randn([2, 32], 3), 'float32'),
  time_ids: { type: 'float32', data: Float32Array.of(64, 48, 0, 0, 64, 48, 128, 96, 0, 0, 128, 96), dims: [2, 6] },
};
const FREEU = FREEU_DEFAULTS.sdxl;

const concats = unet.graph.node
  .filter((node) => node.opType === 'Concat' && /^\/up_blocks\.\d+\/Concat(_\d+)?$/.test(node.name ?? ''))
  .map((node) => ({ name: node.name!, hidden: node.input[0]!, skip: node.input[1]!, output: node.output[0]! }));
const probed: OnnxModel = {
  ...unet,
  graph: { ...unet.graph, output: [...unet.graph.output, ...concats.flatMap((c) => [c.hidden, c.skip, c.output]).map((name) => ({ name, type: { tensorType: { elemType: TensorDataType.FLOAT } } }))] },
};
const open = (model: OnnxModel) => openSession(serializeModel(model), { executionProvider: 'cpu' });

async function runAll(session: ModelSession, extra: Record<string, HostTensor>): Promise<Record<string, NdArray>> {
  const results = await session.run({ ...feeds, ...extra });
  return Object.fromEntries(Object.entries(results).map(([name, value]) => [name, toNdArray(value)]));
}

describe('ScaleCrafter on an SDXL UNet graph', () => {
  const all = addAttentionScaleControls(addFreeUControls(prepareUnet(probed).model).model).model;
  let plain: ModelSession, controlled: ModelSession, plainOut: Record<string, NdArray>;
  before(async () => {
    [plain, controlled] = await Promise.all([open(probed), open(all)]);
    plainOut = await runAll(plain, {});
  });
  after(async () => {
    await Promise.all([plain.release(), controlled.release()]);
  });

  const offFeeds = () => ({ ...offControlFeeds(readPreparedUnetLayout(all)), ...freeUFeeds(null), ...attentionScaleOffFeeds(readAttentionScaleLayout(all)!) });

  test('its candidate convs are SDXL\'s, by diffusers name: the presets\' per-step tables carry over unchanged', () => {
    const found = findCandidateConvs(unet).candidates.map((conv) => conv.name).sort();
    assert.deepEqual(found, [...candidateConvNames(MODEL_FAMILIES.sdxl.layout)].sort());
    // So the table built on this graph ignores exactly what the presets list but SDXL lacks (the reference's SD-only down_blocks.3…).
    const { ignored } = dilationTable(presetByName('sdxl_4096x4096_disperse').schedule, found, 50);
    assert.ok([...ignored.redilation, ...ignored.dispersion].every((conv) => !found.includes(conv)));
    assert.ok(ignored.redilation.some((conv) => conv.startsWith('down_blocks.3.')));
  });

  test('FreeU keys on the up blocks\' two largest channel counts (64 and 32 here, 1280 and 640 in SDXL)', () => {
    const layout = readFreeULayout(all)!;
    assert.deepEqual([layout.primaryChannels, layout.secondaryChannels], [64, 32]);
    assert.equal(layout.sites.length, concats.length);
  });

  test('Attn-SF finds every self-attention: none at the first level, both transformer blocks of the deepest', () => {
    const modules = readAttentionScaleLayout(all)!.layers.map((layer) => layer.module);
    assert.ok(modules.every((module) => module.endsWith('.attn1') && !module.startsWith('down_blocks.0.')));
    assert.ok(modules.includes('down_blocks.2.attentions.0.transformer_blocks.1.attn1'));
    assert.ok(modules.includes('mid_block.attentions.0.transformer_blocks.1.attn1'));
  });

  test('every control off: out_sample and every skip concatenation as the plain UNet\'s', async () => {
    const off = await runAll(controlled, offFeeds());
    for (const name of Object.keys(plainOut)) assertAllClose(off[name]!, plainOut[name]!, { atol: 1e-6, rtol: 0 }, name);
  });

  test('FreeU with SDXL\'s factors: each skip concatenation equals the reference step on its own inputs', async () => {
    const on = await runAll(controlled, { ...offFeeds(), ...freeUFeeds(FREEU) });
    for (const c of concats) assertAllClose(on[c.output]!, freeUConcatReference(on[c.hidden]!, on[c.skip]!, FREEU, 64, 32), { atol: 2e-5, rtol: 1e-5 }, c.name);
    assert.ok(difference(on.out_sample!.data, plainOut.out_sample!.data, { atol: 0, rtol: 0 }).maxAbs > 1e-3);
  });

  test('re-dilation and Attn-SF change the output', async () => {
    const layout = readPreparedUnetLayout(all);
    const dilated = new Map([['mid_block.resnets.0.conv1', { dilation: 2, dispersed: false }], ['up_blocks.0.resnets.0.conv2', { dilation: 2, dispersed: false }]]);
    const on = await runAll(controlled, { ...offFeeds(), ...controlFeeds(layout, dilated), ...attentionScaleFeeds(readAttentionScaleLayout(all)!, ...LATENT, 4, 6) });
    assert.ok(difference(on.out_sample!.data, plainOut.out_sample!.data, { atol: 0, rtol: 0 }).maxAbs > 1e-3);
  });
});

describe('the Sampler\'s per-step controls on the SDXL graph follow the reference file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sdxl-prepared-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('sdxl_2048x2048: the convs of dilate_settings/sdxl_2048x2048.txt this UNet has, at their dilation, for steps < dilate_tau (30 of 50)', async () => {
    const fixture = new URL('../../fixtures/scalecrafter-reference/dilate_settings/sdxl_2048x2048.txt', import.meta.url);
    const listed = new Map((await readFile(fixture, 'utf8')).trim().split('\n').map((line) => {
      const [conv, dilation] = line.trim().split(':');
      return [conv!, Number(dilation)] as const;
    }));
    const unetPath = path.join(dir, 'unet', 'model.onnx');
    await mkdir(path.dirname(unetPath), { recursive: true });
    await writeModel(unet, unetPath);
    const prepared = await preparedUnetFor(unetPath, DEFAULT_DISPERSION_PARAMS, path.join(dir, 'cache'));
    const controlsAt = prepared.controlsFor({ schedule: presetByName('sdxl_2048x2048').schedule, freeU: null, attentionScale: null }, { latentDims: [1, 4, 256, 256], vaeScaleFactor: 8 });
    const effective = prepared.convs.filter((conv) => listed.has(conv));
    assert.ok(effective.length > 0 && effective.length < listed.size, 'some listed convs are SD-only (down_blocks.3), the rest are SDXL\'s');
    for (const step of [0, 29, 30, 49]) {
      const { main, base } = controlsAt(step, 50);
      const dilation = [...(main[DILATION_INPUT]!.data as Float64Array)];
      const expected = prepared.convs.map((conv) => (step < 30 && listed.has(conv) ? listed.get(conv)! : 1));
      assert.deepEqual(dilation, expected, `step ${step}`);
      assert.equal(base, null, 'no ND-CFG in this preset (ndcfg_tau 0)');
    }
  });
});
