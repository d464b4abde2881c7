/**
 * FreeU on the tiny SD UNet (the default model's architecture: up-block channels 64 and 32) and
 * its composition with the other rewrites: off reproduces the UNet exactly; on, every skip
 * concatenation equals the reference FreeU step applied to that run's own inputs; the conv
 * rewrite (prepare-unet.ts), FreeU and Attn-SF compose in any order, each control acting alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { TensorDataType } from '../../../app/onnx/data-type.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { FREEU_DEFAULTS, FREEU_OFF } from '../../../app/scalecrafter/freeu-defaults.js';
import { addAttentionScaleControls, attentionScaleFeeds, attentionScaleOffFeeds, readAttentionScaleLayout } from '../../../app/scalecrafter/prepare/attention-scale-controls.js';
import { controlFeeds, offControlFeeds } from '../../../app/scalecrafter/prepare/controls.js';
import { addFreeUControls, freeUFeeds, readFreeULayout } from '../../../app/scalecrafter/prepare/freeu-controls.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { readPreparedUnetLayout } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { assertAllClose, difference } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { floatFeed, toNdArray } from './conv-models.js';
import { freeUConcatReference } from './freeu-reference.js';

const LATENT = [8, 6] as const; // attention sees ≤ 12 tokens: fine for WebGPU on lavapipe
const unet = buildUNet(parseUNetConfig(tinyPipelineConfigs(1000).unet), new SeededWeights(7));
const feeds: Record<string, HostTensor> = {
  sample: floatFeed(randn([2, 4, ...LATENT], 1), 'float32'),
  timestep: { type: 'float32', data: Float32Array.of(801), dims: [1] },
  encoder_hidden_states: floatFeed(randn([2, 7, 32], 2), 'float32'),
};
const FREEU = FREEU_DEFAULTS.tiny;

/** The builder's up-block skip concatenations ("/up_blocks.<i>/Concat", "…/Concat_1", …), found here by their torch-style names. */
const concats = unet.graph.node
  .filter((node) => node.opType === 'Concat' && /^\/up_blocks\.\d+\/Concat(_\d+)?$/.test(node.name ?? ''))
  .map((node) => ({ name: node.name!, hidden: node.input[0]!, skip: node.input[1]!, output: node.output[0]! }));

/** The UNet with every concatenation's inputs and output as extra graph outputs (element type only: sizes differ). */
const probed: OnnxModel = {
  ...unet,
  graph: {
    ...unet.graph,
    output: [...unet.graph.output, ...concats.flatMap((c) => [c.hidden, c.skip, c.output]).map((name) => ({ name, type: { tensorType: { elemType: TensorDataType.FLOAT } } }))],
  },
};

const open = (model: OnnxModel, executionProvider: 'cpu' | 'webgpu' = 'cpu') => openSession(serializeModel(model), { executionProvider });

async function runAll(session: ModelSession, extra: Record<string, HostTensor>): Promise<Record<string, NdArray>> {
  const results = await session.run({ ...feeds, ...extra });
  return Object.fromEntries(Object.entries(results).map(([name, value]) => [name, toNdArray(value)]));
}

function assertSame(actual: NdArray, expected: NdArray, label: string): void {
  assert.ok(difference(actual.data, expected.data, { atol: 0, rtol: 0 }).maxAbs === 0, `${label}: expected the same values`);
}

describe('FreeU on the tiny UNet', () => {
  const model = addFreeUControls(probed).model;
  let plain: ModelSession, controlled: ModelSession, plainOut: Record<string, NdArray>;
  before(async () => {
    [plain, controlled] = await Promise.all([open(probed), open(model)]);
    plainOut = await runAll(plain, {});
  });
  after(async () => {
    await Promise.all([plain.release(), controlled.release()]);
  });

  test('its up blocks: channel counts 64 and 32 stand for 1280 and 640; a site before each of the six up resnets', () => {
    assert.equal(concats.length, 6);
    assert.deepEqual(readFreeULayout(model), {
      version: 1, primaryChannels: 64, secondaryChannels: 32,
      sites: ['up_blocks.0.resnets.0', 'up_blocks.0.resnets.1', 'up_blocks.0.resnets.2', 'up_blocks.1.resnets.0', 'up_blocks.1.resnets.1', 'up_blocks.1.resnets.2'],
    });
  });

  test('off: out_sample and every concatenation equal the unmodified UNet\'s, bit for bit', async () => {
    const off = await runAll(controlled, freeUFeeds(FREEU_OFF));
    for (const name of Object.keys(plainOut)) assertSame(off[name]!, plainOut[name]!, name);
  });

  test('on (the tiny defaults = SD1.5\'s): every concatenation equals the reference step on its own inputs; out_sample changes', async () => {
    const on = await runAll(controlled, freeUFeeds(FREEU));
    for (const c of concats) {
      const expected = freeUConcatReference(on[c.hidden]!, on[c.skip]!, FREEU, 64, 32);
      assertAllClose(on[c.output]!, expected, { atol: 2e-5, rtol: 1e-5 }, `${c.name} (${on[c.hidden]!.shape[1]} backbone channels)`);
    }
    assert.ok(difference(on.out_sample!.data, plainOut.out_sample!.data, { atol: 0, rtol: 0 }).maxAbs > 1e-3, 'FreeU changes out_sample');
  });

  test('WebGPU: off equals the unmodified UNet there; on matches the CPU run', async () => {
    const [plainGpu, controlledGpu] = await Promise.all([open(probed, 'webgpu'), open(model, 'webgpu')]);
    try {
      const expected = await runAll(plainGpu, {});
      assertAllClose((await runAll(controlledGpu, freeUFeeds(FREEU_OFF))).out_sample!, expected.out_sample!, { atol: 1e-6, rtol: 0 }, 'webgpu off');
      const cpuOn = await runAll(controlled, freeUFeeds(FREEU));
      assertAllClose((await runAll(controlledGpu, freeUFeeds(FREEU))).out_sample!, cpuOn.out_sample!, { atol: 2e-3, rtol: 2e-3 }, 'webgpu on vs cpu');
    } finally {
      await Promise.all([plainGpu.release(), controlledGpu.release()]);
    }
  });
});

describe('FreeU, Attn-SF and the conv rewrite compose in any order', () => {
  const freeUOnly = addFreeUControls(unet).model;
  const convFirst = addAttentionScaleControls(addFreeUControls(prepareUnet(unet).model).model).model;
  const convLast = prepareUnet(addFreeUControls(addAttentionScaleControls(unet).model).model).model;
  const sessions: Record<string, ModelSession> = {};
  before(async () => {
    const entries = await Promise.all(Object.entries({ plain: unet, freeUOnly, convFirst, convLast }).map(async ([name, m]) => [name, await open(m)] as const));
    Object.assign(sessions, Object.fromEntries(entries));
  });
  after(async () => {
    await Promise.all(Object.values(sessions).map((session) => session.release()));
  });

  /** Control feeds for one of the composed models (the three rewrites' layouts are read from its metadata). */
  function controls(model: OnnxModel, options: { freeU: boolean; attention: boolean; dilation: boolean }): Record<string, HostTensor> {
    const convLayout = readPreparedUnetLayout(model);
    const attentionLayout = readAttentionScaleLayout(model)!;
    return {
      ...(options.dilation ? controlFeeds(convLayout, new Map([['mid_block.resnets.0.conv1', { dilation: 2, dispersed: false }], ['up_blocks.0.resnets.1.conv2', { dilation: 1.5, dispersed: false }]])) : offControlFeeds(convLayout)),
      ...freeUFeeds(options.freeU ? FREEU : null),
      ...(options.attention ? attentionScaleFeeds(attentionLayout, ...LATENT, 4, 4) : attentionScaleOffFeeds(attentionLayout)),
    };
  }

  test('the composed graphs carry all three sets of inputs', () => {
    for (const model of [convFirst, convLast]) {
      assert.deepEqual(model.graph.input.map((input) => input.name).sort(), [
        'attention_logit_scale', 'encoder_hidden_states', 'freeu_factors', 'sample', 'scalecrafter_dilation', 'scalecrafter_dispersion', 'timestep',
      ]);
    }
  });

  test('every control off: both orders compute the unmodified UNet', async () => {
    const expected = (await runAll(sessions.plain!, {})).out_sample!;
    for (const [name, model] of [['convFirst', convFirst], ['convLast', convLast]] as const) {
      const off = await runAll(sessions[name]!, controls(model, { freeU: false, attention: false, dilation: false }));
      assertAllClose(off.out_sample!, expected, { atol: 1e-6, rtol: 0 }, `${name} off`);
    }
  });

  test('FreeU alone equals the FreeU-only graph; all three on agree across orders', async () => {
    const freeUExpected = (await runAll(sessions.freeUOnly!, freeUFeeds(FREEU))).out_sample!;
    const allOn: NdArray[] = [];
    for (const [name, model] of [['convFirst', convFirst], ['convLast', convLast]] as const) {
      const freeU = await runAll(sessions[name]!, controls(model, { freeU: true, attention: false, dilation: false }));
      assertAllClose(freeU.out_sample!, freeUExpected, { atol: 1e-6, rtol: 0 }, `${name}: FreeU alone`);
      allOn.push((await runAll(sessions[name]!, controls(model, { freeU: true, attention: true, dilation: true }))).out_sample!);
    }
    assertAllClose(allOn[0]!, allOn[1]!, { atol: 1e-5, rtol: 1e-5 }, 'all on: conv rewrite first vs last');
    assert.ok(difference(allOn[0]!.data, freeUExpected.data, { atol: 0, rtol: 0 }).maxAbs > 1e-3, 'dilation and Attn-SF change the output further');
  });
});
