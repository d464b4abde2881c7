/**
 * Whole-image activations kept in host memory between the segments of a tiled decode, in the
 * segments' float type (float16 as Uint16Array bits). Images are stored one plane per (sample,
 * channel), so no single array grows past a plane however many channels there are (V8 caps
 * typed arrays, and a 4096² × 128-channel float32 tensor would be 8 GiB in one piece).
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import { fromFloat16, toFloat16 } from '../../runtime/float16.js';
import type { FloatType } from '../../models/sd/layers/layer-context.js';
import { rectArea, rectHeight, rectWidth, type Rect } from './tile-grid.js';

export type FloatData = Float32Array | Uint16Array;

function allocate(dtype: FloatType, length: number): FloatData {
  return dtype === 'float16' ? new Uint16Array(length) : new Float32Array(length);
}

function floatData(dtype: FloatType, values: Float32Array): FloatData {
  return dtype === 'float16' ? toFloat16(values) : values;
}

function toFloat32(data: FloatData): Float32Array {
  return data instanceof Uint16Array ? fromFloat16(data) : data;
}

export function checkFloatTensor(tensor: HostTensor | undefined, dtype: FloatType, what: string): FloatData {
  if (!tensor) throw new Error(`${what} is missing from the segment's outputs`);
  if (tensor.type !== dtype) throw new Error(`${what} is ${tensor.type}; the segments compute in ${dtype}`);
  return tensor.data as FloatData;
}

/** An NCHW activation of the whole image. */
export class ImageBuffer {
  readonly #planes: FloatData[];

  constructor(readonly dtype: FloatType, readonly batch: number, readonly channels: number, readonly height: number, readonly width: number) {
    this.#planes = Array.from({ length: batch * channels }, () => allocate(dtype, height * width));
  }

  /** A buffer holding `data`, NCHW float32 of `dims` (converted to `dtype`). */
  static fromFloat32(dtype: FloatType, data: Float32Array, dims: readonly [number, number, number, number]): ImageBuffer {
    const [batch, channels, height, width] = dims;
    const buffer = new ImageBuffer(dtype, batch, channels, height, width);
    buffer.write({ top: 0, left: 0, bottom: height, right: width }, floatData(dtype, data));
    return buffer;
  }

  get byteLength(): number {
    return this.batch * this.channels * this.height * this.width * (this.dtype === 'float16' ? 2 : 4);
  }

  /** The rectangle as a tensor [batch, channels, rect height, rect width]. */
  read(rect: Rect): HostTensor {
    this.#check(rect);
    const rows = rectHeight(rect);
    const columns = rectWidth(rect);
    const out = allocate(this.dtype, this.#planes.length * rectArea(rect));
    this.#planes.forEach((plane, p) => {
      for (let y = 0; y < rows; y++) {
        const from = (rect.top + y) * this.width + rect.left;
        out.set(plane.subarray(from, from + columns), (p * rows + y) * columns);
      }
    });
    return { type: this.dtype, data: out, dims: [this.batch, this.channels, rows, columns] };
  }

  /** Stores `data` ([batch, channels, rect height, rect width]) at the rectangle. */
  write(rect: Rect, data: FloatData): void {
    this.#check(rect);
    const rows = rectHeight(rect);
    const columns = rectWidth(rect);
    if (data.length !== this.#planes.length * rows * columns) {
      throw new RangeError(`${data.length} values do not fill ${this.batch}×${this.channels}×${rows}×${columns}`);
    }
    this.#planes.forEach((plane, p) => {
      for (let y = 0; y < rows; y++) {
        const from = (p * rows + y) * columns;
        plane.set(data.subarray(from, from + columns), (rect.top + y) * this.width + rect.left);
      }
    });
  }

  /** The whole image as NCHW float32. */
  toFloat32(): Float32Array {
    const plane = this.height * this.width;
    const out = new Float32Array(this.#planes.length * plane);
    this.#planes.forEach((values, p) => out.set(toFloat32(values), p * plane));
    return out;
  }

  #check(rect: Rect): void {
    if (rect.top < 0 || rect.left < 0 || rect.bottom > this.height || rect.right > this.width || rect.top >= rect.bottom || rect.left >= rect.right) {
      throw new RangeError(`rectangle rows ${rect.top}–${rect.bottom}, columns ${rect.left}–${rect.right} is not inside a ${this.height}×${this.width} image`);
    }
  }
}

/** Attention keys or values of every latent position: [batch, height · width, channels], positions row-major. */
export class TokenBuffer {
  readonly #data: FloatData;

  constructor(readonly dtype: FloatType, readonly batch: number, readonly height: number, readonly width: number, readonly channels: number) {
    this.#data = allocate(dtype, batch * height * width * channels);
  }

  get byteLength(): number {
    return this.#data.byteLength;
  }

  /** Stores a tile's tokens ([batch, rect area, channels], row-major over the rectangle). */
  write(rect: Rect, data: FloatData): void {
    const rows = rectHeight(rect);
    const span = rectWidth(rect) * this.channels;
    if (data.length !== this.batch * rows * span) throw new RangeError(`${data.length} token values do not fill ${this.batch}×${rectArea(rect)}×${this.channels}`);
    for (let n = 0; n < this.batch; n++) {
      for (let y = 0; y < rows; y++) {
        const from = (n * rows + y) * span;
        this.#data.set(data.subarray(from, from + span), ((n * this.height + rect.top + y) * this.width + rect.left) * this.channels);
      }
    }
  }

  tensor(): HostTensor {
    return { type: this.dtype, data: this.#data, dims: [this.batch, this.height * this.width, this.channels] };
  }
}
