/**
 * The seed a fuzz test generates its cases from: fixed, so a failure replays; FUZZ_SEED=<n> in the
 * environment explores other cases (the printed tally names the seed that was used).
 */
export function fuzzSeed(fixed: number): number {
  const chosen = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : fixed;
  return Number.isSafeInteger(chosen) ? chosen : fixed;
}

/** Counts what a fuzz run did — cases per kind, outcomes per code — and prints it as a table. */
export class FuzzTally {
  readonly #rows = new Map<string, Map<string, number>>();

  count(kind: string, outcome: string): void {
    const row = this.#rows.get(kind) ?? new Map<string, number>();
    row.set(outcome, (row.get(outcome) ?? 0) + 1);
    this.#rows.set(kind, row);
  }

  total(): number {
    let sum = 0;
    for (const row of this.#rows.values()) for (const count of row.values()) sum += count;
    return sum;
  }

  print(title: string): void {
    const lines = [`${title}: ${this.total()} cases`];
    for (const [kind, row] of [...this.#rows].sort(([a], [b]) => a.localeCompare(b))) {
      const cases = [...row.values()].reduce((sum, count) => sum + count, 0);
      const outcomes = [...row].sort(([a], [b]) => a.localeCompare(b)).map(([outcome, count]) => `${outcome} ${count}`);
      lines.push(`  ${kind.padEnd(22)} ${String(cases).padStart(4)}  ${outcomes.join(', ')}`);
    }
    console.log(lines.join('\n'));
  }
}
