/**
 * One interface for every rewrite that makes a UNet ScaleCrafter-capable (docs/scalecrafter-controls.md):
 * the conv controls, FreeU and Attn-SF. A rewrite adds run-time inputs to the graph and records, in
 * the model's metadata, the layout the host needs to feed them; it hands that layout back, so the
 * caller never reads its own result back. Its format version is part of every cache key, so a change
 * to the graph a rewrite writes retires old cached preparations by itself.
 */
import type { OnnxModel } from '../../onnx/model.js';
import type { MetadataSource } from './prepared-unet-format.js';

export interface RewriteResult<Layout> {
  readonly model: OnnxModel;
  readonly layout: Layout;
  /** What the rewrite left alone and why, for the CLI to print (e.g. a 5×5 conv at a candidate path). */
  readonly notes: readonly string[];
}

export interface UnetRewrite<Layout> {
  /** Names the rewrite in cache keys and messages. */
  readonly id: string;
  /** Bumped whenever the graph the rewrite writes changes. */
  readonly formatVersion: number;
  /** Options that change the written graph (e.g. the dispersion η), as a short cache-key fragment. */
  readonly options: string;
  /** A new model with the controls (the input is not modified). Throws UserFacingError. */
  apply(model: OnnxModel): RewriteResult<Layout>;
  /** The layout this rewrite recorded in a model; undefined when it was not applied. */
  readLayout(source: MetadataSource): Layout | undefined;
}

type LayoutsOf<Rewrites extends readonly UnetRewrite<unknown>[]> = { [K in keyof Rewrites]: Rewrites[K] extends UnetRewrite<infer L> ? L : never };

export interface RewrittenUnet<Rewrites extends readonly UnetRewrite<unknown>[]> {
  readonly model: OnnxModel;
  readonly layouts: LayoutsOf<Rewrites>;
  readonly notes: readonly string[];
}

/** Applies the rewrites in order; each one's layout comes back at its position. */
export function applyRewrites<const Rewrites extends readonly UnetRewrite<unknown>[]>(model: OnnxModel, rewrites: Rewrites): RewrittenUnet<Rewrites> {
  let current = model;
  const layouts: unknown[] = [];
  const notes: string[] = [];
  for (const rewrite of rewrites) {
    const result = rewrite.apply(current);
    current = result.model;
    layouts.push(result.layout);
    notes.push(...result.notes);
  }
  return { model: current, layouts: layouts as LayoutsOf<Rewrites>, notes };
}

/** The layouts recorded in an already-rewritten model, or the ids of the rewrites it lacks. */
export function readLayouts<const Rewrites extends readonly UnetRewrite<unknown>[]>(
  source: MetadataSource,
  rewrites: Rewrites,
): { ok: true; layouts: LayoutsOf<Rewrites> } | { ok: false; missing: string[] } {
  const layouts = rewrites.map((rewrite) => rewrite.readLayout(source));
  const missing = rewrites.filter((_, index) => layouts[index] === undefined).map((rewrite) => rewrite.id);
  return missing.length === 0 ? { ok: true, layouts: layouts as LayoutsOf<Rewrites> } : { ok: false, missing };
}

/** The cache-key fragment of a rewrite list: ids, format versions and options, in order. */
export function rewritesCacheTag(rewrites: readonly UnetRewrite<unknown>[]): string {
  return rewrites.map((rewrite) => `${rewrite.id}.v${rewrite.formatVersion}${rewrite.options ? `.${rewrite.options}` : ''}`).join('+');
}
