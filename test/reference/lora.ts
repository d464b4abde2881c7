/**
 * LoRA merged the direct way, in float64: W' = W + Σ strength · (alpha / rank) · up·down, with up
 * [out, rank] and down [rank, in·kh·kw] (a LoCon's 1×1 up and k×k down flattened), the product
 * laid out as W's torch shape [out, in(, kh, kw)] — the formula of kohya's sd-scripts
 * (networks/lora.py merge_to) and ComfyUI's comfy/lora.py. No transposition here: tests feed this
 * to the graph builders, which store Linear weights their own way.
 */
export interface ReferenceLoraUpdate {
  /** [out, rank(, 1, 1)] row-major */
  readonly up: Float32Array;
  /** [rank, in(, kh, kw)] row-major */
  readonly down: Float32Array;
  readonly rank: number;
  /** absent: scale 1 */
  readonly alpha?: number;
  readonly strength: number;
}

export function mergeLoraReference(weight: Float32Array, updates: readonly ReferenceLoraUpdate[]): Float32Array {
  const merged = Float64Array.from(weight);
  const out = merged.length;
  for (const update of updates) {
    const { rank } = update;
    const outFeatures = update.up.length / rank;
    const inner = update.down.length / rank;
    if (outFeatures * inner !== out) throw new RangeError(`up·down gives ${outFeatures}×${inner} values, the weight has ${out}`);
    const scale = update.strength * (update.alpha === undefined ? 1 : update.alpha / rank);
    for (let o = 0; o < outFeatures; o++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let r = 0; r < rank; r++) sum += update.up[o * rank + r]! * update.down[r * inner + i]!;
        merged[o * inner + i]! += scale * sum;
      }
    }
  }
  return Float32Array.from(merged);
}
