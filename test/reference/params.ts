/**
 * Parameters for the reference blocks, looked up by FULL diffusers / transformers parameter name
 * ("down_blocks.0.resnets.0.conv1.weight") with the torch shape the block expects. A source is
 * either a Map (checked: a missing name or another shape throws, which also catches a builder that
 * names or lays out a weight differently) or any WeightSource, e.g. new SeededWeights(seed) — then
 * the reference draws exactly the values an ONNX builder fed from the same source gets.
 */
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import { NdArray } from './ndarray.js';

export type ParamSource = ReadonlyMap<string, NdArray> | WeightSource;

export function param(params: ParamSource, name: string, shape: readonly number[]): NdArray {
  if (isWeightSource(params)) return new NdArray([...shape], params.tensor(name, shape));
  const found = params.get(name);
  if (found === undefined) throw new Error(`reference parameter "${name}" ${formatShape(shape)} is missing from the parameter map`);
  if (found.shape.length !== shape.length || found.shape.some((dim, axis) => dim !== shape[axis])) {
    throw new Error(`reference parameter "${name}" has shape ${formatShape(found.shape)}, the reference expects ${formatShape(shape)}`);
  }
  return found;
}

function isWeightSource(params: ParamSource): params is WeightSource {
  return typeof (params as Partial<WeightSource>).tensor === 'function';
}

/** "down_blocks.0" + "resnets.1" → "down_blocks.0.resnets.1"; an empty prefix adds nothing. */
export function scoped(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
