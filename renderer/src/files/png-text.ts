/**
 * Reads the text chunks of a PNG without decoding its pixels: a dropped 4096² image must not be
 * inflated just to find the workflow it carries. Chunk layout per the PNG spec (ISO/IEC 15948
 * §5.3): length (4 bytes, big-endian), type (4), data (length), CRC (4). tEXt data is
 * "keyword\0text" in Latin-1 (§11.3.4.3); our writer and ComfyUI's store JSON there.
 */
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((byte, index) => bytes[index] === byte);
}

/** Every tEXt chunk's keyword → text (a repeated keyword keeps its first value). */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  if (!isPng(bytes)) throw new UserFacingError('this file is not a PNG (its signature is wrong)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const text: Record<string, string> = {};
  let offset = SIGNATURE.length;
  let ended = false;
  while (!ended) {
    if (offset + 8 > bytes.length) throw new UserFacingError(`the PNG is truncated: it ends at byte ${bytes.length}, before its IEND chunk`);
    const length = view.getUint32(offset);
    const type = latin1.decode(bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      // A damaged type is bytes, not letters: name it only when it is one.
      const chunk = /^[A-Za-z]{4}$/.test(type) ? `${type} chunk` : 'chunk';
      throw new UserFacingError(`the PNG is truncated: the ${chunk} at byte ${offset} declares ${length} bytes, past the end of the ${bytes.length}-byte file`);
    }
    if (type === 'tEXt') {
      const data = bytes.subarray(dataStart, dataEnd);
      const separator = data.indexOf(0);
      if (separator > 0) {
        const keyword = latin1.decode(data.subarray(0, separator));
        text[keyword] ??= latin1.decode(data.subarray(separator + 1));
      }
    }
    ended = type === 'IEND';
    offset = dataEnd + 4;
  }
  return text;
}
