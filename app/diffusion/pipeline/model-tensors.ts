/**
 * Float data in and out of models whose I/O may be fp16 or fp32 (exports differ): the pipeline
 * works in float32 and converts at the model boundary, and nowhere else.
 */
import { fromFloat16, toFloat16 } from '../../runtime/float16.js';
import type { HostTensor } from '../../runtime/host-tensor.js';

export type FloatType = 'float32' | 'float16';

export function floatTensor(data: Float32Array, dims: readonly number[], type: FloatType): HostTensor {
  return type === 'float16' ? { type, data: toFloat16(data), dims: [...dims] } : { type, data, dims: [...dims] };
}

export function readFloats(tensor: HostTensor, what: string): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return fromFloat16(tensor.data as Uint16Array);
  throw new Error(`${what} is ${tensor.type}; a float32 or float16 output was expected`);
}

export function asFloatType(type: string, what: string): FloatType {
  if (type === 'float32' || type === 'float16') return type;
  throw new Error(`${what} has type ${type}; float32 or float16 was expected`);
}
