// IEEE 754 binary16 <-> binary32 conversion. Node 20 has no Float16Array, so ONNX Runtime takes
// and returns float16 tensors as Uint16Array bit patterns (see docs/onnxruntime-findings.md).
//
// Layout of binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
// toFloat16 rounds to nearest, ties to even (the IEEE default, what numpy's astype(float16) and
// torch's .half() do), overflows to ±Infinity and keeps NaN a NaN.

const FLOAT32_EXPONENT_BIAS = 127;
const FLOAT16_EXPONENT_BIAS = 15;

/** Converts one float32 bit pattern to the nearest float16 bit pattern (ties to even). */
function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent32 = (bits >>> 23) & 0xff;
  const mantissa32 = bits & 0x7fffff;

  if (exponent32 === 0xff) {
    // Infinity stays Infinity; NaN keeps its top payload bits and is forced quiet so it stays NaN.
    return mantissa32 === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa32 >>> 13);
  }
  const exponent16 = exponent32 - FLOAT32_EXPONENT_BIAS + FLOAT16_EXPONENT_BIAS;
  if (exponent16 >= 0x1f) return sign | 0x7c00;

  if (exponent16 <= 0) {
    // Result is subnormal (or zero): value = significand * 2^(exponent16 - 14) in units of 2^-24.
    if (exponent16 < -10) return sign; // below half the smallest subnormal: rounds to ±0
    const significand = mantissa32 | 0x800000;
    const shift = 14 - exponent16;
    return sign | roundShiftTiesToEven(significand, shift);
  }
  // Normal: drop 13 mantissa bits. A carry out of the mantissa correctly bumps the exponent
  // (and turns the largest finite values that round up into Infinity).
  return sign | roundShiftTiesToEven((exponent16 << 23) | mantissa32, 13);
}

/** value >> shift, rounded to nearest with ties to even. */
function roundShiftTiesToEven(value: number, shift: number): number {
  const truncated = value >>> shift;
  const remainder = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (remainder > half || (remainder === half && (truncated & 1) === 1)) return truncated + 1;
  return truncated;
}

let float16ToFloat32Table: Float32Array | undefined;

/** All 65536 float16 values as float32 (256 KiB), built on first use: decoding is then a lookup. */
function decodeTable(): Float32Array {
  if (float16ToFloat32Table) return float16ToFloat32Table;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    let magnitude: number;
    if (exponent === 0) magnitude = mantissa * 2 ** -24;
    else if (exponent === 0x1f) magnitude = mantissa === 0 ? Infinity : NaN;
    else magnitude = (1 + mantissa / 1024) * 2 ** (exponent - FLOAT16_EXPONENT_BIAS);
    table[bits] = sign * magnitude;
  }
  float16ToFloat32Table = table;
  return table;
}

/** float32 values -> float16 bit patterns (round to nearest, ties to even). */
export function toFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = float32BitsToFloat16Bits(bits[i]!);
  return out;
}

/** float16 bit patterns -> float32 values (exact: every float16 is representable in float32). */
export function fromFloat16(bits: Uint16Array): Float32Array {
  const table = decodeTable();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
  return out;
}
