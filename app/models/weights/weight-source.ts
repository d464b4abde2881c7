/**
 * Where a graph builder gets its parameters from. Names are diffusers/transformers parameter names
 * ("down_blocks.0.resnets.0.conv1.weight"); shapes are the torch shapes ([out, in, kh, kw] for a
 * conv, [out, in] for a Linear). Values always come back as float32, whatever the storage dtype.
 */
export interface WeightSource {
  /** Says where the values come from, for error messages ("safetensors file /x/unet.safetensors"). */
  readonly description: string;
  /** The tensor `name` as float32, row-major. Throws a UserFacingError (code weights.missing / weights.wrong_shape) when it is missing or has another shape. */
  tensor(name: string, shape: readonly number[]): Float32Array;
}

import { UserFacingError } from '../../protocol/user-facing-error.js';

export type WeightErrorKind = 'missing' | 'wrong_shape' | 'unsupported_dtype' | 'invalid_request';

/** A parameter could not be supplied: names the tensor, the source and what was wrong; `code` is `weights.<kind>`. */
export function weightError(kind: WeightErrorKind, tensorName: string, sourceDescription: string, detail: string, hint?: string): UserFacingError {
  return new UserFacingError(`${sourceDescription}: tensor "${tensorName}" ${detail}`, { hint, code: `weights.${kind}` });
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements of a shape; throws on dimensions that are not non-negative integers. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new RangeError(`shape ${formatShape(shape)} has a dimension that is not a non-negative integer`);
    }
    count *= dim;
  }
  return count;
}
