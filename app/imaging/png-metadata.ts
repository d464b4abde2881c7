/**
 * PNG files with the workflow inside, as ComfyUI writes them: tEXt chunks named `workflow` (the UI
 * graph) and `prompt` (what was executed), so dropping a PNG on the canvas restores its graph. The
 * PNG format itself is fast-png's job.
 */
import { decode, encode } from 'fast-png';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface PngText {
  [keyword: string]: string;
}

/** tEXt is Latin-1; JSON with every non-ASCII character escaped is still the same JSON and fits. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function encodeRgbPng(rgb: Uint8Array, width: number, height: number, text: PngText): Uint8Array {
  return encode({ width, height, data: rgb, channels: 3, depth: 8, text });
}

export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  /** 8-bit samples, `channels` per pixel. */
  data: Uint8Array;
  text: PngText;
}

/**
 * More pixels than any image this app diffuses from (16384²): the decoder allocates the declared
 * size in full before reading a byte of pixel data, so a damaged or hostile IHDR would cost gigabytes.
 */
export const MAX_PNG_PIXELS = 2 ** 28;

/** Width and height as IHDR declares them (bytes 16 to 23: after the signature, chunk length and type). */
function declaredSize(bytes: Uint8Array): [number, number] | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  const size = declaredSize(bytes);
  if (size && (size[0] === 0 || size[1] === 0 || size[0] * size[1] > MAX_PNG_PIXELS)) {
    throw new UserFacingError(`its IHDR chunk (byte 16) declares ${size[0]}×${size[1]} pixels; a PNG has 1 to ${MAX_PNG_PIXELS} pixels`);
  }
  const png = decode(bytes);
  if (png.depth !== 8) throw new Error(`only 8-bit PNGs are supported, this one has ${png.depth}-bit samples`);
  return { width: png.width, height: png.height, channels: png.channels, data: png.data as Uint8Array, text: png.text };
}
