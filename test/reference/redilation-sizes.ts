/**
 * The sizes of the ScaleCrafter reference's ReDilateConvProcessor (model.py), evaluated as its
 * Python does: every value a float64, f = float(d / pf), new_size = round(H * f) with Python 3's
 * round (ties to even), ori_size = int(H / stride). Written apart from the app's
 * redilation-geometry.ts so tests compare two implementations, not one with itself.
 */

/** Python 3 round() of a float: nearest integer, an exact tie to the even one. */
export function pythonRound(x: number): number {
  const nearest = Math.round(x); // ties go up here …
  if (nearest - x !== 0.5) return nearest;
  return nearest % 2 === 0 ? nearest : nearest - 1; // … so an odd one came from a tie below it
}

export interface ReferenceRedilationSizes {
  readonly dilation: number;
  readonly padding: number;
  /** new_size: what the conv sees */
  readonly input: readonly [number, number];
  /** ori_size: what the layer returns */
  readonly output: readonly [number, number];
}

/**
 * For a k×k conv (3, or 5 when dispersed, where the reference halves pf) re-dilated by pf on a
 * height × width input.
 */
export function referenceRedilationSizes(height: number, width: number, pf: number, kernelSize: 3 | 5, stride: number): ReferenceRedilationSizes {
  const dilation = Math.ceil(pf);
  const factor = dilation / pf;
  const inflation = Math.floor((kernelSize - 3) / 2);
  return {
    dilation,
    padding: dilation * (1 + inflation),
    input: [pythonRound(height * factor), pythonRound(width * factor)],
    output: [Math.trunc(height / stride), Math.trunc(width / stride)],
  };
}
