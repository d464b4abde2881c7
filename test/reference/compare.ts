/**
 * Tolerance checks for comparing an implementation's output with a reference: reports the worst
 * element with its index, so a failing test says where and by how much.
 */
import { NdArray } from './ndarray.js';

export interface Tolerance {
  /** Absolute tolerance. */
  atol: number;
  /** Relative tolerance, scaled by |expected|. */
  rtol: number;
}

export interface Difference {
  maxAbs: number;
  worstIndex: number;
  worstActual: number;
  worstExpected: number;
  /** True when every element satisfies |actual − expected| <= atol + rtol·|expected| (numpy.allclose). */
  withinTolerance: boolean;
}

export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance): Difference {
  if (actual.length !== expected.length) throw new RangeError(`length ${actual.length} differs from the expected ${expected.length}`);
  let maxAbs = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  let withinTolerance = true;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const abs = Math.abs(a - e);
    const excess = Number.isNaN(abs) ? Infinity : abs - (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (excess > 0) withinTolerance = false;
    if (excess > worstExcess) {
      worstExcess = excess;
      worstIndex = i;
    }
    maxAbs = Math.max(maxAbs, abs); // NaN propagates: a NaN anywhere makes maxAbs NaN
  }
  return {
    maxAbs,
    worstIndex,
    worstActual: worstIndex < 0 ? NaN : actual[worstIndex]!,
    worstExpected: worstIndex < 0 ? NaN : expected[worstIndex]!,
    withinTolerance,
  };
}

/** Throws an Error naming `label`, the worst element and the tolerance when they are not close. */
export function assertAllClose(actual: NdArray | ArrayLike<number>, expected: NdArray, tolerance: Tolerance, label: string): void {
  const actualData = actual instanceof NdArray ? actual.data : actual;
  if (actual instanceof NdArray && actual.shape.join(',') !== expected.shape.join(',')) {
    throw new Error(`${label}: shape [${actual.shape.join(', ')}] differs from the reference [${expected.shape.join(', ')}]`);
  }
  const diff = difference(actualData, expected.data, tolerance);
  if (!diff.withinTolerance) {
    throw new Error(
      `${label}: element ${diff.worstIndex} is ${diff.worstActual}, the reference says ${diff.worstExpected} ` +
        `(max |diff| ${diff.maxAbs}, tolerance atol ${tolerance.atol} + rtol ${tolerance.rtol}·|ref|)`,
    );
  }
}
