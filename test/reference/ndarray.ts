/**
 * The smallest n-dimensional array the reference implementations need: a shape and row-major
 * float32 data (NCHW for images, [batch, tokens, channels] for sequences). Deliberately no
 * broadcasting or views: every reference op spells out its loops.
 */
export class NdArray {
  constructor(
    readonly shape: number[],
    readonly data: Float32Array,
  ) {
    const size = shape.reduce((product, dim) => product * dim, 1);
    if (!shape.every((dim) => Number.isInteger(dim) && dim >= 0)) throw new RangeError(`invalid shape [${shape.join(', ')}]`);
    if (data.length !== size) throw new RangeError(`shape [${shape.join(', ')}] needs ${size} values, got ${data.length}`);
  }

  get size(): number {
    return this.data.length;
  }

  /** The element at a full index, e.g. x.at(n, c, h, w). */
  at(...index: number[]): number {
    return this.data[this.offset(index)]!;
  }

  /** Same data, another shape with the same element count (row-major reinterpretation, like torch .reshape on a contiguous tensor). */
  reshape(shape: number[]): NdArray {
    return new NdArray(shape, this.data);
  }

  private offset(index: number[]): number {
    if (index.length !== this.shape.length) throw new RangeError(`index of rank ${index.length} for shape [${this.shape.join(', ')}]`);
    let offset = 0;
    for (let axis = 0; axis < index.length; axis++) {
      const i = index[axis]!;
      const dim = this.shape[axis]!;
      if (!Number.isInteger(i) || i < 0 || i >= dim) throw new RangeError(`index ${i} out of range for axis ${axis} of size ${dim}`);
      offset = offset * dim + i;
    }
    return offset;
  }
}

export function zeros(shape: number[]): NdArray {
  return new NdArray(shape, new Float32Array(shape.reduce((product, dim) => product * dim, 1)));
}

/** An array from literal values, e.g. ndarray([2, 2], [1, 2, 3, 4]). */
export function ndarray(shape: number[], values: readonly number[]): NdArray {
  return new NdArray(shape, Float32Array.from(values));
}

/**
 * Standard-normal test data from a seeded generator (mulberry32 + Box–Muller): reproducible within
 * this machine's JS engine, which is all test inputs need (weights use app/models/weights instead).
 */
export function randn(shape: number[], seed: number, std = 1): NdArray {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = zeros(shape);
  for (let i = 0; i < out.size; i++) {
    out.data[i] = std * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  }
  return out;
}
