/**
 * Byte-pair-encoding training (Sennrich et al. 2016): repeatedly merge the most frequent adjacent
 * symbol pair across a word-frequency table. Deterministic: ties go to the pair that sorts first
 * (left symbol, then right, by UTF-16 code unit — the same as code point order for the BMP-only
 * byte-level alphabet), so the same corpus always yields the same merges.
 */

export type MergePair = readonly [left: string, right: string];

export interface BpeTrainingOptions {
  /** Stop after this many merges. */
  readonly maxMerges: number;
  /** Stop when the best pair occurs fewer times than this. */
  readonly minFrequency: number;
  /** Merged symbols that already exist (the base alphabet); a merge that would re-create one is skipped. */
  readonly existingSymbols: ReadonlySet<string>;
}

/**
 * @param words each word as its initial symbol sequence (e.g. byte-level characters with "</w>"
 *              on the last), with its corpus frequency.
 */
export function learnBpeMerges(words: ReadonlyArray<{ symbols: readonly string[]; frequency: number }>, options: BpeTrainingOptions): MergePair[] {
  const working = words.map((word) => ({ symbols: [...word.symbols], frequency: word.frequency }));
  const known = new Set(options.existingSymbols);
  const merges: MergePair[] = [];
  while (merges.length < options.maxMerges) {
    const best = mostFrequentPair(working, known);
    if (best === null || best.frequency < options.minFrequency) break;
    merges.push(best.pair);
    known.add(best.pair[0] + best.pair[1]);
    for (const word of working) word.symbols = applyMerge(word.symbols, best.pair);
  }
  return merges;
}

/** Replace every left-to-right occurrence of `pair` in `symbols` by the merged symbol. */
export function applyMerge(symbols: readonly string[], pair: MergePair): string[] {
  const [left, right] = pair;
  const merged: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      merged.push(left + right);
      i++;
    } else {
      merged.push(symbols[i] as string);
    }
  }
  return merged;
}

function mostFrequentPair(
  words: ReadonlyArray<{ symbols: readonly string[]; frequency: number }>,
  known: ReadonlySet<string>,
): { pair: MergePair; frequency: number } | null {
  const counts = new Map<string, { pair: MergePair; frequency: number }>();
  for (const { symbols, frequency } of words) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const left = symbols[i] as string;
      const right = symbols[i + 1] as string;
      // A space cannot occur inside a byte-level symbol, so it separates the halves unambiguously.
      const key = `${left} ${right}`;
      const entry = counts.get(key);
      if (entry) entry.frequency += frequency;
      else counts.set(key, { pair: [left, right], frequency });
    }
  }
  let best: { pair: MergePair; frequency: number } | null = null;
  for (const candidate of counts.values()) {
    // Skipping merges that re-create an existing symbol keeps every vocabulary entry unique.
    if (known.has(candidate.pair[0] + candidate.pair[1])) continue;
    if (best === null || candidate.frequency > best.frequency || (candidate.frequency === best.frequency && comparePairs(candidate.pair, best.pair) < 0)) {
      best = candidate;
    }
  }
  return best;
}

function comparePairs(a: MergePair, b: MergePair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}
