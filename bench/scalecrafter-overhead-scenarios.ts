/**
 * The scenarios of bench/scalecrafter-overhead.ts: which models are timed against which, with
 * which feeds. Each scenario's first variant is its baseline.
 */
import { tinyPipelineConfigs } from '../app/models/sd/presets.js';
import { parseUNetConfig } from '../app/models/sd/unet-config.js';
import { buildUNet } from '../app/models/sd/unet.js';
import { SeededWeights } from '../app/models/weights/seeded-weights.js';
import type { OnnxModel } from '../app/onnx/model.js';
import type { HostTensor } from '../app/runtime/host-tensor.js';
import { controlFeeds, offControlFeeds, type ConvControl } from '../app/scalecrafter/prepare/controls.js';
import { prepareUnet } from '../app/scalecrafter/prepare/prepare-unet.js';
import type { PreparedUnetLayout } from '../app/scalecrafter/prepare/prepared-unet-format.js';
import { ifPerConvVariant, polyphaseMainVariant, resnetStack, STACK_TEMB_CHANNELS, staticDilationVariant } from './scalecrafter-design-variants.js';

export interface Variant {
  readonly name: string;
  readonly model: OnnxModel;
  readonly feeds: Record<string, HostTensor>;
}

export interface Scenario {
  readonly title: string;
  readonly variants: readonly Variant[];
}

function seededInput(dims: number[], seed: number): HostTensor {
  let state = seed >>> 0;
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  return { type: 'float32', data, dims };
}

const everyConv = (layout: PreparedUnetLayout, control: ConvControl) => new Map(layout.convs.map((conv) => [conv, control] as const));

/** plain, prepared (off, pf 2, pf 1.5, dispersed at pf 2) and the static d = 2 model. */
function controlVariants(plain: OnnxModel, feeds: Record<string, HostTensor>): Variant[] {
  const { model, layout } = prepareUnet(plain);
  const prepared = (name: string, controls: Record<string, HostTensor>): Variant => ({ name, model, feeds: { ...feeds, ...controls } });
  return [
    { name: 'plain UNet', model: plain, feeds },
    prepared('prepared, controls off', offControlFeeds(layout)),
    prepared('prepared, every conv pf 2', controlFeeds(layout, everyConv(layout, { dilation: 2, dispersed: false }))),
    prepared('prepared, every conv pf 1.5', controlFeeds(layout, everyConv(layout, { dilation: 1.5, dispersed: false }))),
    prepared('prepared, every conv dispersed (pf 2)', controlFeeds(layout, everyConv(layout, { dilation: 2, dispersed: true }))),
    { name: 'static model, every conv d 2', model: staticDilationVariant(plain, 2), feeds: { ...feeds, ...offControlFeeds(layout) } },
  ];
}

/** The off-path cost of the alternatives to the gated design (same stack, every control off). */
function designVariants(plain: OnnxModel, feeds: Record<string, HostTensor>): Variant[] {
  const { model, layout } = prepareUnet(plain);
  const off = { ...feeds, ...offControlFeeds(layout) };
  return [
    { name: 'plain', model: plain, feeds },
    { name: 'chosen: gated original conv, off', model, feeds: off },
    { name: 'If per conv (outer weights), off', model: ifPerConvVariant(plain), feeds: off },
    { name: 'polyphase in main graph, d = 1', model: polyphaseMainVariant(plain), feeds: off },
    { name: 'chosen, pf 2 (gated; dilated Conv in If)', model, feeds: { ...feeds, ...controlFeeds(layout, everyConv(layout, { dilation: 2, dispersed: false })) } },
    { name: 'If per conv, d 2 (dilated Conv in If)', model: ifPerConvVariant(plain), feeds: { ...feeds, ...controlFeeds(layout, everyConv(layout, { dilation: 2, dispersed: false })) } },
    { name: 'static model, d 2', model: staticDilationVariant(plain, 2), feeds: off },
  ];
}

export function scenarios(quick: boolean): Scenario[] {
  const tinySize = quick ? 16 : 32;
  const tiny = buildUNet(parseUNetConfig(tinyPipelineConfigs(1000).unet), new SeededWeights(1));
  const tinyFeeds = {
    sample: seededInput([2, 4, tinySize, tinySize], 1),
    timestep: { type: 'float32', data: Float32Array.of(501), dims: [1] } as HostTensor,
    encoder_hidden_states: seededInput([2, 77, 32], 2),
  };
  const [channels, size] = quick ? [64, 32] : [320, 64];
  const stack = resnetStack(channels, 2);
  const stackFeeds = { sample: seededInput([2, channels, size, size], 3), temb: seededInput([2, STACK_TEMB_CHANNELS], 4) };
  const stackTitle = `SD resnet stack: 2 ResnetBlock2D (4 candidate convs), ${channels} ch, ${size}×${size}, batch 2`;
  return [
    { title: `tiny UNet (default model, 26 candidate convs), latent ${tinySize}×${tinySize}, batch 2`, variants: controlVariants(tiny, tinyFeeds) },
    { title: stackTitle, variants: controlVariants(stack, stackFeeds) },
    { title: `design alternatives on the ${stackTitle}`, variants: designVariants(stack, stackFeeds) },
  ];
}
