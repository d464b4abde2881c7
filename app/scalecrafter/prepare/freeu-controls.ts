/**
 * FreeU as a run-time control of a prepared UNet (docs/scalecrafter-method.md §4; the ScaleCrafter reference's
 * free_lunch_utils.py, copied from FreeU's official demo). Before each up-block resnet's skip
 * concatenation the reference does
 *
 *   if hidden.shape[1] == 1280: hidden[:, :640] *= b1; skip = Fourier_filter(skip, 1, s1)
 *   if hidden.shape[1] == 640:  hidden[:, :320] *= b2; skip = Fourier_filter(skip, 1, s2)
 *
 * keyed on the channel count of the backbone features, so it acts before every such resnet (not
 * once per block, as diffusers' apply_freeu does with its resolution index). 1280 and 640 are the
 * largest and second-largest up-block channel counts of SD1.5/2.1/SDXL; this rewrite keys on
 * exactly that — the largest and the second-largest distinct up-block channel counts of the
 * model at hand — so it matches the reference there and also acts on other UNets such as the
 * tiny default model (64 and 32). A UNet with a single up-block channel count has no b2/s2 site.
 *
 * The graph gets one float32 [4] input, `freeu_factors` = [b1, b2, s1, s2]; all ones is off. Each
 * skip concatenation becomes
 *
 *   c = hidden.shape[1];  b, s = (b1, s1) if c == C1, (b2, s2) if c == C2, else (1, 1)
 *   out = If(b == 1 and s == 1, Concat(hidden, skip),
 *            Concat(hidden · [b for the first ⌊c/2⌋ channels, 1 after], lowest-frequency-scaled skip))
 *
 * so with FreeU off each concatenation runs the original Concat and nothing else of size. The
 * scaling and the filter run in float32 and are rounded back once, as the reference's filter
 * does (x.type(torch.float32) … .type(dtype)).
 */
import { z } from 'zod';
import { TensorDataType } from '../../onnx/data-type.js';
import { tensorValueInfo, type GraphBuilder, type Value } from '../../onnx/graph-builder.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { FREEU_OFF } from '../freeu-defaults.js';
import type { FreeUSettings } from '../model-patches.js';
import { scaleLowestFrequencies } from './fourier-low-pass.js';
import { assertNamesFree, graphValueNames, producedNames } from './graph-value-names.js';
import { readMetadataJson, withMetadataEntry, type MetadataSource } from './control-metadata.js';
import { controlsOpset } from './model-opset.js';
import { castToCode, constantFloat64, equal, ifThenElse } from './onnx-ops-extension.js';
import { buildBranch, buildPiece, type GraphPiece, type OuterValue } from './subgraph.js';
import type { RewriteResult, UnetRewrite } from './unet-rewrite.js';
import { findSkipConcats, upBlockChannelCounts, type SkipConcat } from './up-block-skip-concats.js';
import { ElementTypeResolver, type ActivationType } from './value-element-type.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** float32 [4]: b1, b2, s1, s2 (FREEU_FACTOR_ORDER); [1, 1, 1, 1] = off. */
export const FREEU_INPUT = 'freeu_factors';
export const FREEU_FACTOR_ORDER = ['b1', 'b2', 's1', 's2'] as const;
/** Model metadata_props key: JSON FreeULayout; its presence marks the rewrite as done. */
export const FREEU_METADATA_KEY = 'scalecrafter.freeu';
export const FREEU_FORMAT_VERSION = 1;

export interface FreeULayout {
  readonly version: number;
  /** C1: backbone features with this many channels get b1, their skip s1 (1280 in SD). */
  readonly primaryChannels: number;
  /** C2: … b2 and s2 (640 in SD); null when the up blocks have one channel count only. */
  readonly secondaryChannels: number | null;
  /** The resnets whose skip concatenation took the control, e.g. `up_blocks.0.resnets.0`. */
  readonly sites: readonly string[];
}

const layoutSchema = z.object({
  version: z.literal(FREEU_FORMAT_VERSION),
  primaryChannels: z.number().int().positive(),
  secondaryChannels: z.number().int().positive().nullable(),
  sites: z.array(z.string().min(1)).min(1),
});

/** Value names of the four factors, gathered once at the start of the graph. */
const FACTOR_NAMES = FREEU_FACTOR_ORDER.map((factor) => `freeu/${factor}`);
const [B1, B2, S1, S2] = FACTOR_NAMES as [string, string, string, string];

/**
 * The four factors as float64 scalars. float64 keeps the factor selection and the If conditions on
 * the CPU under the WebGPU EP, which has no float64 kernels (control-values.ts): in float32 the
 * EP took Equal/Where/And, and every site's If copied its condition back to the host, draining
 * the GPU queue once per skip concatenation, 12 times per SD UNet call (seen as MemcpyToHost in ORT's
 * session profile of the tiny UNet, 6 per call; test/scalecrafter/prepare/webgpu-host-copies.test.ts).
 */
function factorsPiece(opset: number): GraphPiece {
  return buildPiece({
    graphName: 'freeu_factors', scope: ['freeu'], opset,
    body: (g, outer) => {
      const factors = castToCode(g, outer(FREEU_INPUT), TensorDataType.DOUBLE);
      return FREEU_FACTOR_ORDER.map((_, index) => ({
        value: op.gather(g, factors, op.constant(g, 'int64', [], BigInt64Array.of(BigInt(index))), { axis: 0 }),
        name: FACTOR_NAMES[index]!,
        type: 'float64' as const,
      }));
    },
  });
}

const toFloat32 = (g: GraphBuilder, x: Value, type: ActivationType) => (type === 'float16' ? op.cast(g, x, { to: 'float32' }) : x);
const toActivation = (g: GraphBuilder, x: Value, type: ActivationType) => (type === 'float16' ? op.cast(g, x, { to: 'float16' }) : x);

interface SiteValues {
  readonly channels: string;
  readonly backboneFactor: string;
  readonly skipFactor: string;
}

/** The "on" branch: Concat(hidden with its first ⌊c/2⌋ channels × b, Fourier_filter(skip, 1, s)). */
function freeUBranch(site: SkipConcat, values: SiteValues, scope: string[], opset: number, type: ActivationType): OnnxGraph {
  return buildBranch({
    graphName: 'freeu_on', scope, opset,
    body: (g, outer) => {
      const channels = outer(values.channels);
      const half = op.div(g, channels, op.constantScalar(g, 'int64', 2));
      const channelIndex = g.node('Range', [op.constantScalar(g, 'int64', 0), channels, op.constantScalar(g, 'int64', 1)])[0]!;
      const firstHalf = g.node('Less', [channelIndex, half])[0]!;
      // The factors are float64 (factorsPiece); the arithmetic on activations is float32.
      const backboneFactor = op.cast(g, outer(values.backboneFactor), { to: 'float32' });
      const skipFactor = op.cast(g, outer(values.skipFactor), { to: 'float32' });
      const perChannel = op.where(g, firstHalf, backboneFactor, op.constantScalar(g, 'float32', 1));
      const broadcastable = op.unsqueeze(g, perChannel, op.constantInt64(g, [0, 2, 3]));
      const hidden = toActivation(g, op.mul(g, toFloat32(g, outer(site.hidden), type), broadcastable), type);
      const skip = toActivation(g, scaleLowestFrequencies(g, toFloat32(g, outer(site.skip), type), skipFactor), type);
      return [{ value: op.concat(g, [hidden, skip], { axis: 1 }), name: `${site.output}/freeu/on`, type }];
    },
  });
}

/** Replaces one skip concatenation: factor selection by channel count, then If(off, original, FreeU). */
function sitePiece(site: SkipConcat, layout: Pick<FreeULayout, 'primaryChannels' | 'secondaryChannels'>, opset: number, type: ActivationType): GraphPiece {
  // "up_blocks.1.resnets.2" → nodes named "/up_blocks.1/freeu/resnets.2/…"
  const [, block, resnet] = /^(.+)\.(resnets\.\d+)$/.exec(site.resnet)!;
  const scope = [block!, 'freeu', resnet!];
  return buildPiece({
    graphName: 'freeu_site', scope, opset,
    body: (g, outer: OuterValue) => {
      const channels = op.gather(g, op.shape(g, outer(site.hidden)), op.constant(g, 'int64', [], BigInt64Array.of(1n)), { axis: 0 });
      const isPrimary = equal(g, channels, op.constantScalar(g, 'int64', layout.primaryChannels));
      // −1: no channel count matches when the model has a single up-block channel count.
      const isSecondary = equal(g, channels, op.constantScalar(g, 'int64', layout.secondaryChannels ?? -1));
      const one = constantFloat64(g, 1);
      const select = (primary: string, secondary: string) => op.where(g, isPrimary, outer(primary), op.where(g, isSecondary, outer(secondary), one));
      const backboneFactor = select(B1, B2);
      const skipFactor = select(S1, S2);
      // (b == 1)·(s == 1) in float64, not an And of bools, which the WebGPU EP would take.
      const unchanged = (factor: Value) => castToCode(g, equal(g, factor, one), TensorDataType.DOUBLE);
      const off = op.cast(g, op.mul(g, unchanged(backboneFactor), unchanged(skipFactor)), { to: 'bool' });
      const original = buildBranch({
        graphName: 'freeu_off', scope: [...scope, 'off'], opset,
        body: (b, o) => [{ value: op.concat(b, [o(site.hidden), o(site.skip)], { axis: 1 }), name: `${site.output}/freeu/off`, type }],
      });
      const values = { channels: channels.name, backboneFactor: backboneFactor.name, skipFactor: skipFactor.name };
      const [out] = ifThenElse(g, off, original, freeUBranch(site, values, [...scope, 'on'], opset, type));
      return [{ value: out!, name: site.output, type }];
    },
  });
}

/**
 * The model with the FreeU control (a new object; `model` is not modified). Composes with the
 * conv rewrite (prepare-unet.ts) and the attention-scale rewrite in any order.
 */
export function addFreeUControls(model: OnnxModel): RewriteResult<FreeULayout> {
  const what = 'adding FreeU controls';
  if (readMetadataJson(model, FREEU_METADATA_KEY) !== undefined) throw new UserFacingError('this UNet already has FreeU controls; use it as it is');
  const opset = controlsOpset(model, what);
  const { graph } = model;
  const sites = findSkipConcats(graph);
  if (sites.length === 0) {
    throw new UserFacingError(
      'no up-block skip concatenations found (a two-input Concat on axis 1 named in module up_blocks.<i> that feeds up_blocks.<i>.resnets.<j>); ' +
        'export the UNet with torch.onnx.export from diffusers, or build it with `scalecrafter models build`',
    );
  }
  const [primaryChannels, secondaryChannels = null] = upBlockChannelCounts(model);
  if (primaryChannels === undefined) throw new UserFacingError('the up blocks have no resnet conv2 whose channel count can be read; FreeU keys on those counts');
  const layout: FreeULayout = { version: FREEU_FORMAT_VERSION, primaryChannels, secondaryChannels, sites: sites.map((site) => site.resnet) };

  const types = new ElementTypeResolver(graph);
  const factors = factorsPiece(opset);
  const replacements = new Map<OnnxNode, GraphPiece>(sites.map((site) => [site.node, sitePiece(site, layout, opset, types.activationType(site.hidden))]));
  const pieces = [factors, ...replacements.values()];
  // Each site's If takes over its Concat's output name; every other name must be new.
  const reused = new Set(sites.map((site) => site.output));
  const added = pieces.flatMap((piece) => producedNames(piece.nodes)).filter((name) => !reused.has(name));
  assertNamesFree(graphValueNames(graph), [FREEU_INPUT, ...added], what);

  const nodes = [...factors.nodes, ...graph.node.flatMap((node) => replacements.get(node)?.nodes ?? [node])];
  const initializer = [...graph.initializer, ...pieces.flatMap((piece) => piece.initializers)];
  const input = [...graph.input, tensorValueInfo(FREEU_INPUT, 'float32', [FREEU_FACTOR_ORDER.length])];
  return { model: withMetadataEntry({ ...model, graph: { ...graph, node: nodes, initializer, input } }, FREEU_METADATA_KEY, layout), layout, notes: [] };
}

/** The FreeU layout of a model with the control; undefined when it has none. Throws on malformed metadata. */
export function readFreeULayout(source: MetadataSource): FreeULayout | undefined {
  const json = readMetadataJson(source, FREEU_METADATA_KEY);
  if (json === undefined) return undefined;
  const parsed = layoutSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserFacingError(
      `metadata '${FREEU_METADATA_KEY}' is not a FreeU layout of version ${FREEU_FORMAT_VERSION}: ${parsed.error.message}; add the controls to the original UNet again`,
    );
  }
  return parsed.data;
}


/** FreeU's factors as a run-time input (one rewrite of the app's preparation). */
export const FREEU_REWRITE: UnetRewrite<FreeULayout> = {
  id: 'freeu',
  formatVersion: FREEU_FORMAT_VERSION,
  options: '',
  apply: addFreeUControls,
  readLayout: readFreeULayout,
};

/** The `freeu_factors` feed; null = FreeU off (every factor 1, which computes the original UNet). */
export function freeUFeeds(settings: FreeUSettings | null): Record<string, HostTensor> {
  const values = settings ?? FREEU_OFF;
  const data = Float32Array.from(FREEU_FACTOR_ORDER, (factor) => {
    const value = values[factor];
    if (!Number.isFinite(value)) throw new UserFacingError(`FreeU factor ${factor} = ${value} must be a finite number (1 = unchanged)`);
    return value;
  });
  return { [FREEU_INPUT]: { type: 'float32', data, dims: [data.length] } };
}
