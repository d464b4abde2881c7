/**
 * Random weights that are a pure function of (seed, parameter name, shape): the same on every
 * machine and every run, so the tiny default model and the builder tests are reproducible without
 * shipping weight files. The scale of each parameter follows init-policy.ts; the bits come from
 * counter-random.ts (32-bit integer arithmetic only).
 */
import { fillUniform, streamKey } from './counter-random.js';
import { initRuleFor } from './init-policy.js';
import { weightError, elementCount, formatShape, type WeightSource } from './weight-source.js';

export class SeededWeights implements WeightSource {
  readonly description: string;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`SeededWeights seed ${seed} must be an integer in [0, 2^32)`);
    }
    this.description = `seeded random weights (seed ${seed})`;
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    if (name.length === 0) {
      throw weightError('invalid_request', name, this.description, 'has an empty name', 'pass the diffusers parameter name');
    }
    let count: number;
    try {
      count = elementCount(shape);
    } catch (cause) {
      throw weightError('invalid_request', name, this.description, `was requested with invalid shape ${formatShape(shape)}`, String(cause));
    }
    const values = new Float32Array(count);
    const rule = initRuleFor(name, shape);
    if (rule.kind === 'constant') {
      values.fill(rule.value);
    } else {
      // The shape is part of the label: asking for the same name with another shape gives unrelated values.
      fillUniform(values, streamKey(this.seed, `${name}|${shape.join(',')}`), rule.std * Math.sqrt(3));
    }
    return values;
  }
}
