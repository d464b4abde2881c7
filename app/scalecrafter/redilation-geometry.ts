/**
 * Shapes and conv attributes of one re-dilated conv (docs/scalecrafter-method.md §1), following the
 * reference's ReDilateConvProcessor (model.py):
 *
 *   d = ceil(pf), f = d / pf, pad = d·(1 + (k − 3)/2)
 *   x1 = bilinear(x, round(H·f), round(W·f))          Python round: half to even
 *   y  = conv(x1, stride, pad, dilation d)
 *   out = bilinear(y, floor(H/stride), floor(W/stride))
 *
 * The ONNX graph preparation turns this into Resize → Conv → Resize nodes; it skips a Resize
 * whose input and output sizes are equal (bilinear with align_corners=false is then the identity).
 */
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface SpatialSize {
  readonly height: number;
  readonly width: number;
}

export interface RedilationGeometry {
  readonly kernelSize: number;
  readonly stride: number;
  /** Integer conv dilation d = ceil(pf). */
  readonly dilation: number;
  /** Input resize factor f = d / pf (1 for integer pf). */
  readonly resizeFactor: number;
  /** Symmetric conv padding d·(1 + (k − 3)/2): the kernel's span stays centred. */
  readonly padding: number;
  /** The input size the conv sees: (round(H·f), round(W·f)). */
  readonly convInput: SpatialSize;
  /** What the conv yields on convInput (PyTorch Conv2d output size). */
  readonly convOutput: SpatialSize;
  /** The size the layer must return: (floor(H/stride), floor(W/stride)). */
  readonly output: SpatialSize;
  /** Whether the input must be resized (convInput ≠ input). */
  readonly resizesInput: boolean;
  /** Whether the conv's output must be resized (convOutput ≠ output). */
  readonly resizesOutput: boolean;
}

/**
 * Python 3's round() for doubles: the nearest integer, halves to the even neighbour
 * (2.5 → 2, 3.5 → 4). x − ⌊x⌋ is exact in binary floating point, so the tie test is exact.
 */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function convOutputLength(length: number, kernelSize: number, stride: number, padding: number, dilation: number): number {
  return Math.floor((length + 2 * padding - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

function geometry(pf: number, kernelSize: number, stride: number, input: SpatialSize): RedilationGeometry {
  if (!Number.isInteger(kernelSize) || kernelSize < 3 || kernelSize % 2 === 0) {
    throw new UserFacingError(`kernel size must be an odd integer ≥ 3, got ${kernelSize}`);
  }
  if (!Number.isInteger(stride) || stride < 1) throw new UserFacingError(`stride must be a positive integer, got ${stride}`);
  const { height, width } = input;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new UserFacingError(`input size must be positive integers, got ${height}×${width}`);
  }
  const dilation = Math.ceil(pf);
  // Same float expression as the reference (float(self.dilation / pf_factor)), so that
  // round(H·f) lands on the same integer.
  const resizeFactor = dilation / pf;
  const padding = dilation * (1 + (kernelSize - 3) / 2);
  const convInput = { height: roundHalfToEven(height * resizeFactor), width: roundHalfToEven(width * resizeFactor) };
  const convOutput = {
    height: convOutputLength(convInput.height, kernelSize, stride, padding, dilation),
    width: convOutputLength(convInput.width, kernelSize, stride, padding, dilation),
  };
  const output = { height: Math.floor(height / stride), width: Math.floor(width / stride) };
  return {
    kernelSize,
    stride,
    dilation,
    resizeFactor,
    padding,
    convInput,
    convOutput,
    output,
    resizesInput: convInput.height !== height || convInput.width !== width,
    resizesOutput: convOutput.height !== output.height || convOutput.width !== output.width,
  };
}

export interface RedilationRequest {
  /** Requested dilation factor pf ≥ 1 (fractional allowed). */
  readonly requestedDilation: number;
  readonly stride: number;
  readonly input: SpatialSize;
}

/** Geometry of a k×k conv (3×3 unless given) re-dilated by pf. */
export function redilatedConvGeometry(request: RedilationRequest & { readonly kernelSize?: number }): RedilationGeometry {
  const { requestedDilation: pf } = request;
  if (!(Number.isFinite(pf) && pf >= 1)) throw new UserFacingError(`requested dilation must be ≥ 1 (1 = off), got ${pf}`);
  return geometry(pf, request.kernelSize ?? 3, request.stride, request.input);
}

/**
 * Geometry of a dispersed conv (K×K kernel, 5×5 unless given) standing in for a 3×3 conv at
 * requested dilation pf: the reference halves pf (`dilate = dilate / 2`), so d = ceil(pf/2) and
 * pad = 2d for 5×5 — the same span as the 3×3 kernel at pf. At pf < 2 the input is upsampled
 * (f = d/(pf/2) > 1), which is what the dispersed kernel was calibrated for.
 */
export function dispersedConvGeometry(request: RedilationRequest & { readonly largeKernelSize?: number }): RedilationGeometry {
  const { requestedDilation: pf } = request;
  if (!(Number.isFinite(pf) && pf >= 1)) throw new UserFacingError(`requested dilation must be ≥ 1 (1 = off), got ${pf}`);
  return geometry(pf / 2, request.largeKernelSize ?? 5, request.stride, request.input);
}
