/** Pieces the CPU benchmarks share: a process's peak resident memory and writing a result table. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Peak resident set size of this process so far (Linux VmHWM). */
export function peakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((entry) => entry.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) * 1024 : Number.NaN;
}

/** Writes the table's lines to <folder>/<name> and says so. */
export function writeTableFile(folder: string, name: string, lines: readonly string[]): void {
  const file = path.join(folder, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`, 'utf8');
  process.stdout.write(`wrote ${file}\n`);
}
