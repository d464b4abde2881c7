/**
 * A WeightSource that replaces chosen parameters of another one — e.g. zeroes every `to_out.0` so a
 * test can check that a residual branch really is a residual branch.
 */
import type { WeightSource } from '../../app/models/weights/weight-source.js';

export type WeightOverride = (name: string, shape: readonly number[]) => Float32Array | undefined;

export function withOverrides(base: WeightSource, override: WeightOverride): WeightSource {
  return {
    description: `${base.description} with overrides`,
    tensor: (name, shape) => override(name, shape) ?? base.tensor(name, shape),
  };
}

/** An override that zeroes every parameter whose name matches. */
export function zeroing(pattern: RegExp): WeightOverride {
  return (name, shape) => (pattern.test(name) ? new Float32Array(shape.reduce((product, dim) => product * dim, 1)) : undefined);
}
