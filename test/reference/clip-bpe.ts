/**
 * A naive CLIP tokenizer written from the published rules (openai/CLIP simple_tokenizer.py):
 * lowercase, collapse whitespace, split by CLIP's word pattern, spell each word in GPT-2's
 * byte-level alphabet with "</w>" on its last symbol, then repeatedly merge the adjacent pair of
 * lowest merge rank until none is ranked; ids from the vocabulary simple_tokenizer builds (bytes,
 * bytes + "</w>", one token per merge, <|startoftext|>, <|endoftext|>). Slow and simple on
 * purpose: the tests pin the app's tokenizer against it.
 */

const isPrintable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);

/** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others take U+0100 onwards in byte order. */
function byteTable(): string[] {
  const table: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) table.push(String.fromCharCode(isPrintable(b) ? b : next++));
  return table;
}

export class NaiveClipBpe {
  private readonly ranks = new Map<string, number>();
  private readonly ids = new Map<string, number>();
  private readonly byteOf: string[];

  /** `mergesText`: the published bpe_simple_vocab_16e6.txt, decompressed. */
  constructor(mergesText: string) {
    const merges = mergesText.split('\n').slice(1, 49152 - 256 - 2 + 1).map((line) => line.split(' ') as [string, string]);
    merges.forEach(([a, b], rank) => this.ranks.set(`${a} ${b}`, rank));
    this.byteOf = byteTable();
    // simple_tokenizer lists the printable bytes' characters first, then the remapped ones.
    const bytes = [...Array(256).keys()];
    const alphabet = [...bytes.filter(isPrintable), ...bytes.filter((b) => !isPrintable(b))].map((b) => this.byteOf[b]!);
    const vocab = [...alphabet, ...alphabet.map((c) => `${c}</w>`), ...merges.map(([a, b]) => a + b), '<|startoftext|>', '<|endoftext|>'];
    vocab.forEach((token, id) => this.ids.set(token, id));
  }

  private bpe(word: string[]): string[] {
    let symbols = [...word.slice(0, -1), `${word[word.length - 1]}</w>`];
    for (;;) {
      let best: number | null = null;
      let bestRank = Infinity;
      for (let i = 0; i < symbols.length - 1; i++) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best === null) return symbols;
      const [left, right] = [symbols[best]!, symbols[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i < symbols.length - 1 && symbols[i] === left && symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else {
          merged.push(symbols[i]!);
        }
      }
      symbols = merged;
    }
  }

  /** Prompt token ids, without BOS/EOS. */
  encode(text: string): number[] {
    const cleaned = text.replace(/\s+/g, ' ').trim().toLowerCase();
    const words = cleaned.match(/<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu) ?? [];
    const ids: number[] = [];
    for (const word of words) {
      const spelled = [...new TextEncoder().encode(word)].map((b) => this.byteOf[b]!);
      for (const token of this.bpe(spelled)) ids.push(this.ids.get(token)!);
    }
    return ids;
  }
}
