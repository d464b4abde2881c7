/**
 * GPT-2's byte-level alphabet (`bytes_to_unicode` in openai/CLIP simple_tokenizer.py and HF's
 * ByteLevel pre-tokenizer): every byte gets a printable character, so a vocabulary of visible
 * strings can spell any UTF-8 text. Printable Latin-1 bytes map to themselves (! … ~, ¡ … ¬,
 * ® … ÿ); the other 68 bytes map to U+0100, U+0101, … in byte order.
 *
 * The array order is the order CLIP's vocabulary lists the byte tokens in: the printable bytes
 * first (so id 0 is "!"), then the remapped ones.
 */

export interface ByteLevelEntry {
  readonly byte: number;
  readonly character: string;
}

export const BYTE_LEVEL_ALPHABET: readonly ByteLevelEntry[] = buildAlphabet();

/** character for each byte value 0 … 255 */
const CHARACTER_OF_BYTE: readonly string[] = (() => {
  const table = new Array<string>(256);
  for (const { byte, character } of BYTE_LEVEL_ALPHABET) table[byte] = character;
  return table;
})();

/** The byte-level spelling of a string's UTF-8 bytes. */
export function toByteLevel(text: string): string {
  let spelled = '';
  for (const byte of new TextEncoder().encode(text)) spelled += CHARACTER_OF_BYTE[byte];
  return spelled;
}

function buildAlphabet(): ByteLevelEntry[] {
  const printable: number[] = [];
  const addRange = (from: number, to: number): void => {
    for (let b = from; b <= to; b++) printable.push(b);
  };
  addRange(0x21, 0x7e);
  addRange(0xa1, 0xac);
  addRange(0xae, 0xff);
  const entries: ByteLevelEntry[] = printable.map((byte) => ({ byte, character: String.fromCodePoint(byte) }));
  const printableSet = new Set(printable);
  let remapped = 0;
  for (let byte = 0; byte < 256; byte++) {
    if (printableSet.has(byte)) continue;
    entries.push({ byte, character: String.fromCodePoint(256 + remapped) });
    remapped++;
  }
  return entries;
}
