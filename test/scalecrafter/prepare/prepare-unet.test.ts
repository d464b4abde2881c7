/**
 * The prepared tiny SD UNet (app/models/sd builder, the default model's config): with every
 * control off it computes exactly what the original does; with a layer set re-dilated (integer,
 * fractional, dispersed; stride 1 and 2) it equals a copy of the graph rewritten statically for
 * that set; and one session serves any sequence of controls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { controlFeeds, offControlFeeds, type ConvControl } from '../../../app/scalecrafter/prepare/controls.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { isPreparedUnet, readPreparedUnetLayout } from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import { candidateConvNames } from '../../../app/scalecrafter/unet-convs.js';
import { assertAllClose, difference } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { floatFeed, toNdArray } from './conv-models.js';
import { staticRedilation, type StaticConvSetting } from './static-redilation.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

const LATENT: readonly [number, number] = [8, 6]; // attention sees ≤ 12 tokens: fine for WebGPU on lavapipe
const BATCH = 2;
const unet = buildUNet(parseUNetConfig(tinyPipelineConfigs(1000).unet), new SeededWeights(7));
const feeds: Record<string, HostTensor> = {
  sample: floatFeed(randn([BATCH, 4, ...LATENT], 1), 'float32'),
  timestep: { type: 'float32', data: Float32Array.of(801), dims: [1] },
  encoder_hidden_states: floatFeed(randn([BATCH, 7, 32], 2), 'float32'),
};

/** The input size of each tiny-UNet conv at LATENT (two levels: down_blocks.0 at full size, then ceil(·/2)). */
function convInputSize(path: string): [number, number] {
  const [h, w] = LATENT;
  const half: [number, number] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  if (path === 'up_blocks.0.upsamplers.0.conv') return [h, w]; // after the nearest ×2 upsampling
  return /^(down_blocks\.1|mid_block|up_blocks\.0)\./.test(path) ? half : [h, w];
}

/** Integer, fractional and dispersed settings across both levels, stride 1 and 2, resnets and resamplers. */
const MIXED: ReadonlyMap<string, ConvControl> = new Map([
  ['down_blocks.0.resnets.0.conv2', { dilation: 1, dispersed: true }],
  ['down_blocks.0.downsamplers.0.conv', { dilation: 2, dispersed: false }],
  ['down_blocks.1.resnets.0.conv1', { dilation: 2, dispersed: false }],
  ['down_blocks.1.resnets.1.conv1', { dilation: 1.5, dispersed: false }],
  ['mid_block.resnets.1.conv2', { dilation: 3, dispersed: false }],
  ['up_blocks.0.resnets.2.conv1', { dilation: 2, dispersed: true }],
  ['up_blocks.0.upsamplers.0.conv', { dilation: 2.5, dispersed: false }],
  ['up_blocks.1.resnets.1.conv2', { dilation: 4, dispersed: false }],
]);

function staticSettings(controls: ReadonlyMap<string, ConvControl>): Map<string, StaticConvSetting> {
  return new Map([...controls].map(([path, control]) => [path, { pf: control.dilation, dispersed: control.dispersed, input: convInputSize(path), batch: BATCH }]));
}

async function outSample(session: ModelSession, extra: Record<string, HostTensor> = {}) {
  return toNdArray((await session.run({ ...feeds, ...extra })).out_sample!);
}

const open = (model: OnnxModel, provider: 'cpu' | 'webgpu') => openSession(serializeModel(model), { executionProvider: provider });

/** The plain-output check: the off path runs the original Conv node itself, only its input and output routed through If. */
function assertSameAsPlain(actual: NdArray, expected: NdArray, label: string): void {
  const diff = difference(actual.data, expected.data, { atol: 1e-6, rtol: 0 });
  assert.ok(diff.withinTolerance, `${label}: max |diff| ${diff.maxAbs}`);
}

describe('prepared tiny UNet', () => {
  const { model: preparedModel, layout, skipped } = prepareUnet(unet);
  const everywhereTwo = new Map(layout.convs.map((conv) => [conv, { dilation: 2, dispersed: false }] as const));
  const sessions: ModelSession[] = [];
  let plain: ModelSession, prepared: ModelSession, staticMixed: ModelSession, staticEverywhereTwo: ModelSession;
  let plainOut: NdArray, staticMixedOut: NdArray;

  before(async () => {
    [plain, prepared, staticMixed, staticEverywhereTwo] = await Promise.all([
      open(unet, 'cpu'),
      open(preparedModel, 'cpu'),
      staticRedilation(unet, staticSettings(MIXED)).then((model) => open(model, 'cpu')),
      staticRedilation(unet, staticSettings(everywhereTwo)).then((model) => open(model, 'cpu')),
    ]);
    sessions.push(plain, prepared, staticMixed, staticEverywhereTwo);
    plainOut = await outSample(plain);
    staticMixedOut = await outSample(staticMixed);
  });
  after(async () => {
    await Promise.all(sessions.map((session) => session.release()));
  });

  test('every candidate conv of the layout is prepared (and nothing else); inputs, outputs, metadata, weights stored once', () => {
    const tinyLayout = { downBlocks: [{ resnets: 2, downsampler: true }, { resnets: 2, downsampler: false }], midBlockResnets: 2, upBlocks: [{ resnets: 3, upsampler: true }, { resnets: 3, upsampler: false }] };
    assert.deepEqual([...layout.convs].sort(), candidateConvNames(tinyLayout).sort());
    assert.deepEqual(skipped, []);
    assert.deepEqual(preparedModel.graph.input.map((input) => input.name), ['sample', 'timestep', 'encoder_hidden_states', 'scalecrafter_dilation', 'scalecrafter_dispersion']);
    assert.deepEqual(preparedModel.graph.output.map((output) => output.name), ['out_sample']);
    assert.ok(isPreparedUnet(preparedModel) && !isPreparedUnet(unet));
    assert.deepEqual(readPreparedUnetLayout(preparedModel), layout);
    const names = preparedModel.graph.initializer.map((tensor) => tensor.name);
    for (const tensor of unet.graph.initializer) assert.equal(names.filter((name) => name === tensor.name).length, 1, `${tensor.name} is stored once`);
    const bytes = (model: OnnxModel) => model.graph.initializer.reduce((sum, tensor) => sum + (tensor.rawData?.byteLength ?? 0), 0);
    const added = bytes(preparedModel) - bytes(unet);
    assert.ok(added < 4096, `only R (25×9 float32, 900 bytes) and index constants are added, not ${added} bytes`);
  });

  test('all controls off: the same output as the unprepared UNet (CPU)', async () => {
    assertSameAsPlain(await outSample(prepared, offControlFeeds(layout)), plainOut, 'off on cpu');
  });

  test('a re-dilated layer set equals the graph rewritten statically for that set (integer, fractional, dispersed, stride 1 and 2)', async () => {
    const actual = await outSample(prepared, controlFeeds(layout, MIXED));
    // Polyphase vs ORT's dilated Conv: the same products summed in another order (float32).
    assertAllClose(actual, staticMixedOut, { atol: 1e-4, rtol: 1e-4 }, 'prepared vs static re-dilation');
    assert.ok(difference(actual.data, plainOut.data, { atol: 0, rtol: 0 }).maxAbs > 1e-2, 'the controls must change the output');
  });

  test('one session, controls changed between runs: off → set A → set B → off', async () => {
    const sequence = [
      { controls: offControlFeeds(layout), expected: plainOut, label: 'off' },
      { controls: controlFeeds(layout, MIXED), expected: staticMixedOut, label: 'set A' },
      { controls: controlFeeds(layout, everywhereTwo), expected: await outSample(staticEverywhereTwo), label: 'set B (every conv at 2)' },
      { controls: offControlFeeds(layout), expected: plainOut, label: 'off again' },
    ];
    for (const { controls, expected, label } of sequence) assertAllClose(await outSample(prepared, controls), expected, { atol: 1e-4, rtol: 1e-4 }, label);
  });

  test('WebGPU: off equals the unprepared UNet there; the re-dilated set equals the CPU static rewrite', async () => {
    const [plainGpu, preparedGpu] = await Promise.all([open(unet, 'webgpu'), open(preparedModel, 'webgpu')]);
    try {
      assertSameAsPlain(await outSample(preparedGpu, offControlFeeds(layout)), await outSample(plainGpu), 'off on webgpu');
      // WebGPU sums in another order with fused multiply-adds (see redilated-conv.test.ts).
      assertAllClose(await outSample(preparedGpu, controlFeeds(layout, MIXED)), staticMixedOut, { atol: 2e-3, rtol: 2e-3 }, 'webgpu prepared vs cpu static');
    } finally {
      await Promise.all([plainGpu.release(), preparedGpu.release()]);
    }
  });

  test('float16 UNet on WebGPU (where float16 runs natively): off is bit-exact', async () => {
    // On the CPU EP, which computes most float16 ops in float32 and drops the float16 round trips
    // between neighbouring nodes, the If boundaries keep the conv's input and output in float16 as
    // the model declares, so the prepared model differs from the plain one by float16 rounding
    // (docs/scalecrafter-controls.md); redilated-conv.test.ts checks float16 numerics on the CPU.
    const unet16 = buildUNet(parseUNetConfig(tinyPipelineConfigs(1000).unet), new SeededWeights(7), { dtype: 'float16' });
    const { model, layout: layout16 } = prepareUnet(unet16);
    const feeds16 = { ...feeds, sample: floatFeed(randn([BATCH, 4, ...LATENT], 1), 'float16'), encoder_hidden_states: floatFeed(randn([BATCH, 7, 32], 2), 'float16') };
    const [plain16, prepared16] = await Promise.all([open(unet16, 'webgpu'), open(model, 'webgpu')]);
    try {
      const expected = toNdArray((await plain16.run(feeds16)).out_sample!);
      const actual = toNdArray((await prepared16.run({ ...feeds16, ...offControlFeeds(layout16) })).out_sample!);
      assertAllClose(actual, expected, { atol: 0, rtol: 0 }, 'float16 off on webgpu');
    } finally {
      await Promise.all([plain16.release(), prepared16.release()]);
    }
  });
});
