/**
 * `scalecrafter disperse`: prints the dispersion transform R (docs/scalecrafter-method.md §3) that maps a
 * k×k conv kernel to a K×K one, solved by least squares and cached on disk.
 *
 *   scalecrafter disperse --from 3 --to 5 --eta 0.05 [--scale 2] [--json] [--cache-dir DIR]
 */
import { InvalidArgumentError, type Command } from 'commander';
import { defaultCacheDir, loadDispersionTransform } from '../../scalecrafter/dispersion-cache.js';
import { DEFAULT_DISPERSION_PARAMS, disperseConvWeights, type DispersionTransform } from '../../scalecrafter/dispersion-transform.js';
import { outputOf } from '../command-output.js';

interface DisperseOptions {
  readonly from: number;
  readonly to: number;
  readonly eta: number;
  readonly scale: number;
  readonly json?: boolean;
  readonly cacheDir?: string;
}

function parseOddSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value) || size % 2 === 0) throw new InvalidArgumentError('expected an odd kernel size, e.g. 3 or 5');
  return size;
}

function parseScale(value: string): number {
  const scale = Number(value);
  if (!/^\d+$/.test(value) || scale < 1) throw new InvalidArgumentError('expected an integer ≥ 1, e.g. 2');
  return scale;
}

function parseEta(value: string): number {
  const eta = Number(value);
  if (value.trim() === '' || !Number.isFinite(eta) || eta < 0) throw new InvalidArgumentError('expected a number ≥ 0, e.g. 0.05');
  return eta;
}

const position = (index: number, size: number) => `(${Math.floor(index / size)},${index % size})`;
const number = (value: number) => (Math.abs(value) < 5e-7 ? 0 : value).toFixed(6);

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}`).join('\n');
}

function transformText(transform: DispersionTransform): string {
  const { smallKernelSize: k, largeKernelSize: K, upsampleFactor: s, eta } = transform.params;
  const header = [`${K}×${K} ← ${k}×${k}`, ...Array.from({ length: transform.columns }, (_, l) => position(l, k))];
  const rows = Array.from({ length: transform.rows }, (_, j) => [
    position(j, K),
    ...Array.from({ length: transform.columns }, (__, l) => number(transform.matrix[j * transform.columns + l]!)),
  ]);
  // The dispersed kernel of an all-ones k×k kernel shows how R spreads weight (the MATLAB
  // reference's `verbose` heat map).
  const ones = disperseConvWeights(transform, new Float32Array(k * k).fill(1), 1, 1);
  const onesRows = Array.from({ length: K }, (_, y) => Array.from({ length: K }, (__, x) => number(ones[y * K + x]!)));
  return [
    `Dispersion transform R: ${transform.rows}×${transform.columns}, ${k}×${k} → ${K}×${K} kernel, ` +
      `upsampling s = ${s}, η = ${eta}. Row j gives large-kernel element j (row,col) as a combination of the ` +
      'small-kernel elements; W_large[o,i,:] = R · W_small[o,i,:].',
    table([header, ...rows]),
    '',
    `Dispersed all-ones ${k}×${k} kernel:`,
    table(onesRows),
    '',
  ].join('\n');
}

function transformJson(transform: DispersionTransform): unknown {
  return {
    params: transform.params,
    rows: transform.rows,
    columns: transform.columns,
    matrix: Array.from({ length: transform.rows }, (_, j) =>
      Array.from(transform.matrix.subarray(j * transform.columns, (j + 1) * transform.columns)),
    ),
  };
}

export function registerDisperseCommand(program: Command): void {
  program
    .command('disperse')
    .description('print the dispersed-convolution transform R that maps a k×k kernel to a K×K one')
    .option('--from <k>', 'small kernel size (odd)', parseOddSize, DEFAULT_DISPERSION_PARAMS.smallKernelSize)
    .option('--to <K>', 'large kernel size (odd, > k)', parseOddSize, DEFAULT_DISPERSION_PARAMS.largeKernelSize)
    .option('--eta <η>', 'weight of the pixel-level term', parseEta, DEFAULT_DISPERSION_PARAMS.eta)
    .option('--scale <s>', 'upsampling factor the large kernel is calibrated for', parseScale, DEFAULT_DISPERSION_PARAMS.upsampleFactor)
    .option('--json', 'machine-readable output')
    .option('--cache-dir <dir>', 'where solved transforms are cached (default: $SCALECRAFTER_CACHE_DIR or ~/.cache/scalecrafter-studio)')
    .action(async (options: DisperseOptions, command: Command) => {
      const write = outputOf(command).out;
      const params = { smallKernelSize: options.from, largeKernelSize: options.to, upsampleFactor: options.scale, eta: options.eta };
      const transform = await loadDispersionTransform(params, options.cacheDir ?? defaultCacheDir());
      write(options.json === true ? `${JSON.stringify(transformJson(transform), null, 2)}\n` : transformText(transform));
    });
}
