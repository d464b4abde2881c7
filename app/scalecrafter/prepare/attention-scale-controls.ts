/**
 * The Attn-SF baseline of the ScaleCrafter paper (its Table 1; after Jin et al., "Training-free
 * Diffusion Model Adaptation for Variable-Sized Text-to-Image Synthesis"): at another resolution
 * than trained, scale each self-attention's logits by λ = √(log N / log N_train), N its token
 * count now and N_train the token count at that level at the training size, so the softmax keeps
 * the entropy it had in training. Cross-attention (attn2) attends to the 77 text tokens at every
 * size and is left alone.
 *
 * The softmax scale of com.microsoft.MultiHeadAttention is a static attribute, and a torch export
 * bakes it into a Mul, so the query is scaled instead: softmax((λq)·kᵀ/√d) = softmax(λ·q·kᵀ/√d).
 * The rewrite multiplies the output of every `…attn1.to_q` module (diffusers' Attention: query =
 * to_q(hidden_states)) by a run-time factor — one float32 input `attention_logit_scale` with an
 * entry per self-attention, 1 = off (q·1 is q exactly). Model metadata lists each attn1 module
 * and its level (number of downsamplings above it), from which the host computes λ per layer for
 * the latent size of the run (attentionScaleFeeds).
 */
import { z } from 'zod';
import { tensorValueInfo } from '../../onnx/graph-builder.js';
import { modulePathOfNode } from '../../onnx/inspect.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { readMetadataJson, withMetadataEntry, type MetadataSource } from './control-metadata.js';
import { assertNamesFree, consumersByValue, graphValueNames, producedNames, renameUses } from './graph-value-names.js';
import { controlsOpset } from './model-opset.js';
import type { RewriteResult, UnetRewrite } from './unet-rewrite.js';
import { buildPiece, type GraphPiece } from './subgraph.js';
import { ElementTypeResolver } from './value-element-type.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** float32 [layers]: the logit factor λ of each self-attention, in the order of the layout's layers; 1 = off. */
export const ATTENTION_SCALE_INPUT = 'attention_logit_scale';
/** Model metadata_props key: JSON AttentionScaleLayout; its presence marks the rewrite as done. */
export const ATTENTION_SCALE_METADATA_KEY = 'scalecrafter.attention_scale';
export const ATTENTION_SCALE_FORMAT_VERSION = 1;

export interface SelfAttentionLayer {
  /** diffusers module path, e.g. `down_blocks.1.attentions.0.transformer_blocks.0.attn1` */
  readonly module: string;
  /** Downsamplings between the latent and this attention: 0 at full latent size. */
  readonly level: number;
}

export interface AttentionScaleLayout {
  readonly version: number;
  readonly layers: readonly SelfAttentionLayer[];
}

const layoutSchema = z.object({
  version: z.literal(ATTENTION_SCALE_FORMAT_VERSION),
  layers: z.array(z.object({ module: z.string().min(1), level: z.number().int().min(0) })).min(1),
});

interface QuerySite {
  readonly module: string;
  readonly level: number;
  /** the to_q module's output: the unscaled query */
  readonly query: string;
  readonly producer: OnnxNode;
}

const TO_Q = /^(.+\.attn1)\.to_q$/;

/** Highest `<prefix>.<i>` index among module paths, plus one (0 when there is none). */
function blockCount(paths: readonly string[], prefix: string): number {
  const pattern = new RegExp(`^${prefix}\\.(\\d+)(\\.|$)`);
  return paths.reduce((count, path) => Math.max(count, Number(pattern.exec(path)?.[1] ?? -1) + 1), 0);
}

/**
 * The level of an attention by its block (diffusers UNet2DConditionModel): down_blocks.i run
 * before their downsampler, at level i; the mid block below the last down block; up_blocks.i
 * before their upsampler, at level (up blocks − 1 − i).
 */
function levelOf(module: string, downBlocks: number, upBlocks: number): number {
  const down = /^down_blocks\.(\d+)\./.exec(module);
  if (down) return Number(down[1]);
  if (module.startsWith('mid_block.') && downBlocks > 0) return downBlocks - 1;
  const up = /^up_blocks\.(\d+)\./.exec(module);
  if (up) return upBlocks - 1 - Number(up[1]);
  throw new UserFacingError(`self-attention ${module} is not inside down_blocks.<i>, mid_block or up_blocks.<i>, so its token count cannot be derived from the latent size`);
}

/** Every attn1's query (the value leaving its to_q module), in graph order. */
function findQuerySites(graph: OnnxGraph): QuerySite[] {
  const paths = graph.node.map((node) => modulePathOfNode(node) ?? '');
  const downBlocks = blockCount(paths, 'down_blocks');
  const upBlocks = blockCount(paths, 'up_blocks');
  const producers = new Map<string, { module: string; node: OnnxNode }[]>();
  graph.node.forEach((node, index) => {
    const module = TO_Q.exec(paths[index]!)?.[1];
    if (module !== undefined) producers.set(module, [...(producers.get(module) ?? []), { module, node }]);
  });
  const consumers = consumersByValue(graph);
  const graphOutputs = new Set(graph.output.map((output) => output.name));
  return [...producers].map(([module, inScope]) => {
    const scopeNodes = new Set(inScope.map((item) => item.node));
    const usedOutside = (output: string) => graphOutputs.has(output) || (consumers.get(output) ?? []).some((consumer) => !scopeNodes.has(consumer));
    const leaving = inScope.flatMap(({ node }) => node.output.filter((output) => output && usedOutside(output)).map((output) => ({ output, node })));
    if (leaving.length !== 1) {
      const names = leaving.map((item) => item.output).join(', ');
      throw new UserFacingError(`${module}.to_q should hand exactly one value (the query) to the rest of the graph, but hands ${leaving.length}: ${names}`);
    }
    return { module, level: levelOf(module, downBlocks, upBlocks), query: leaving[0]!.output, producer: leaving[0]!.node };
  });
}

const scaledName = (site: QuerySite) => `${site.query}/attention_scale`;

/** λ = attention_logit_scale[index] (cast to the query's type), scaled = q · λ. */
function scalePiece(site: QuerySite, index: number, opset: number, type: 'float32' | 'float16'): GraphPiece {
  return buildPiece({
    graphName: 'attention_scale', scope: [site.module, 'attention_scale'], opset,
    body: (g, outer) => {
      const factor = op.gather(g, outer(ATTENTION_SCALE_INPUT), op.constant(g, 'int64', [], BigInt64Array.of(BigInt(index))), { axis: 0 });
      const typed = type === 'float16' ? op.cast(g, factor, { to: 'float16' }) : factor;
      return [{ value: op.mul(g, outer(site.query), typed), name: scaledName(site), type }];
    },
  });
}

/**
 * The model with the Attn-SF control (a new object; `model` is not modified). Composes with the
 * conv rewrite (prepare-unet.ts) and the FreeU rewrite in any order.
 */
export function addAttentionScaleControls(model: OnnxModel): RewriteResult<AttentionScaleLayout> {
  const what = 'adding attention-scale controls';
  if (readMetadataJson(model, ATTENTION_SCALE_METADATA_KEY) !== undefined) {
    throw new UserFacingError('this UNet already has attention-scale controls; use it as it is');
  }
  const opset = controlsOpset(model, what);
  const { graph } = model;
  const sites = findQuerySites(graph);
  if (sites.length === 0) {
    throw new UserFacingError(
      'no self-attention found: no node belongs to a module <…>.attn1.to_q (diffusers BasicTransformerBlock); ' +
        'export the UNet with torch.onnx.export from diffusers, or build it with `scalecrafter models build`',
    );
  }
  const types = new ElementTypeResolver(graph);
  const pieces = new Map<OnnxNode, GraphPiece[]>();
  sites.forEach((site, index) => {
    const piece = scalePiece(site, index, opset, types.activationType(site.query));
    pieces.set(site.producer, [...(pieces.get(site.producer) ?? []), piece]);
  });
  const existing = graphValueNames(graph);
  const allPieces = [...pieces.values()].flat();
  assertNamesFree(existing, [ATTENTION_SCALE_INPUT, ...allPieces.flatMap((piece) => producedNames(piece.nodes))], what);

  // Each Mul goes right after the node that makes its query; every other use reads the scaled query.
  const ownNodes = new Set(allPieces.flatMap((piece) => piece.nodes));
  const renames = new Map(sites.map((site) => [site.query, scaledName(site)]));
  const nodes = graph.node
    .flatMap((node) => [node, ...(pieces.get(node)?.flatMap((piece) => piece.nodes) ?? [])])
    .map((node) => (ownNodes.has(node) ? node : renameUses(node, renames)));
  const layout: AttentionScaleLayout = { version: ATTENTION_SCALE_FORMAT_VERSION, layers: sites.map(({ module, level }) => ({ module, level })) };
  const input = [...graph.input, tensorValueInfo(ATTENTION_SCALE_INPUT, 'float32', [sites.length])];
  const initializer = [...graph.initializer, ...allPieces.flatMap((piece) => piece.initializers)];
  return { model: withMetadataEntry({ ...model, graph: { ...graph, node: nodes, initializer, input } }, ATTENTION_SCALE_METADATA_KEY, layout), layout, notes: [] };
}

/** The layout of a model with the control; undefined when it has none. Throws on malformed metadata. */
export function readAttentionScaleLayout(source: MetadataSource): AttentionScaleLayout | undefined {
  const json = readMetadataJson(source, ATTENTION_SCALE_METADATA_KEY);
  if (json === undefined) return undefined;
  const parsed = layoutSchema.safeParse(json);
  if (!parsed.success) {
    throw new UserFacingError(`metadata '${ATTENTION_SCALE_METADATA_KEY}' is not an attention-scale layout of version ${ATTENTION_SCALE_FORMAT_VERSION}: ${parsed.error.message}; add the controls to the original UNet again`);
  }
  return parsed.data;
}

/** Attn-SF's logit factors as a run-time input (one rewrite of the app's preparation). */
export const ATTENTION_SCALE_REWRITE: UnetRewrite<AttentionScaleLayout> = {
  id: 'attention_scale',
  formatVersion: ATTENTION_SCALE_FORMAT_VERSION,
  options: '',
  apply: addAttentionScaleControls,
  readLayout: readAttentionScaleLayout,
};

/**
 * Tokens (H·W) at `level`: each diffusers Downsample2D (3×3, stride 2, padding 1) maps a side n
 * to ⌈n/2⌉, and each up block resizes back to its skip's size, so a level has the same size on
 * the way down and up.
 */
export function levelTokenCount(latentHeight: number, latentWidth: number, level: number): number {
  let [height, width] = [latentHeight, latentWidth];
  for (let i = 0; i < level; i++) [height, width] = [Math.ceil(height / 2), Math.ceil(width / 2)];
  return height * width;
}

/** λ = √(log N / log N_train) (any log base). N_train must exceed 1: log 1 = 0 defines no scale. */
export function attentionLogitScale(tokens: number, trainTokens: number): number {
  if (!Number.isInteger(tokens) || tokens < 1) throw new UserFacingError(`token count ${tokens} must be a positive integer`);
  if (!Number.isInteger(trainTokens) || trainTokens < 2) {
    throw new UserFacingError(`training token count ${trainTokens} must be an integer ≥ 2 (log 1 = 0); the training size is too small for this attention level`);
  }
  return Math.sqrt(Math.log(tokens) / Math.log(trainTokens));
}

function positiveInteger(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new UserFacingError(`${what} ${value} must be a positive integer (in latent pixels: image size / the VAE factor)`);
}

/** The feed for a run at latentHeight×latentWidth of a UNet trained at trainLatentHeight×trainLatentWidth (latent pixels). */
export function attentionScaleFeeds(layout: AttentionScaleLayout, latentHeight: number, latentWidth: number, trainLatentHeight: number, trainLatentWidth: number): Record<string, HostTensor> {
  positiveInteger(latentHeight, 'latent height');
  positiveInteger(latentWidth, 'latent width');
  positiveInteger(trainLatentHeight, 'training latent height');
  positiveInteger(trainLatentWidth, 'training latent width');
  const data = Float32Array.from(layout.layers, ({ level }) =>
    attentionLogitScale(levelTokenCount(latentHeight, latentWidth, level), levelTokenCount(trainLatentHeight, trainLatentWidth, level)));
  return { [ATTENTION_SCALE_INPUT]: { type: 'float32', data, dims: [data.length] } };
}

/** Every λ = 1: the UNet computes what it did before the rewrite. */
export function attentionScaleOffFeeds(layout: AttentionScaleLayout): Record<string, HostTensor> {
  const data = new Float32Array(layout.layers.length).fill(1);
  return { [ATTENTION_SCALE_INPUT]: { type: 'float32', data, dims: [data.length] } };
}
