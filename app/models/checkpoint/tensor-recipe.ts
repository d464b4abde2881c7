/**
 * How one diffusers/transformers parameter is made from a tensor of an original (LDM / sgm)
 * checkpoint: which stored tensor, which rows of it (OpenCLIP stores q, k and v fused in one
 * in_proj_weight), whether it is transposed (OpenCLIP's text_projection is stored [in, out]) and
 * the shape diffusers gives it (the VAE's mid-block attention is stored as 1×1 conv weights
 * [C, C, 1, 1] and used as Linear weights [C, C] — same values, another shape).
 */
export interface TensorRecipe {
  /** Key in the checkpoint file. */
  readonly source: string;
  /** The diffusers shape; its element count equals the stored tensor's (or the row slice's). */
  readonly shape: readonly number[];
  /** First row and row count along the stored tensor's first axis; absent: every row. */
  readonly rows?: { readonly first: number; readonly count: number };
  /** The stored tensor is the 2-D transpose of the diffusers one. */
  readonly transpose?: boolean;
}

/** diffusers name → recipe, for one pipeline component. */
export type KeyMapping = Map<string, TensorRecipe>;

/** What the mappers read from the file: tensor names and their stored shapes. */
export type CheckpointShapes = ReadonlyMap<string, readonly number[]>;

/** A plain rename, the stored shape kept. */
export function renamed(shapes: CheckpointShapes, source: string): TensorRecipe {
  const shape = shapes.get(source);
  if (shape === undefined) throw new Error(`no tensor "${source}" (the mapper should only be given names it found)`);
  return { source, shape };
}

/** Keys under `prefix`, the prefix cut off, in file order. */
export function keysUnder(shapes: CheckpointShapes, prefix: string): string[] {
  return [...shapes.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}
