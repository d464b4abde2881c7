/**
 * What the ScaleCrafter controls cost per UNet evaluation (docs/scalecrafter-controls.md):
 * the plain UNet against the prepared one with every control off, every candidate conv
 * re-dilated by 2 or 1.5, and dispersed — plus the designs that were measured before choosing
 * the gated one (scalecrafter-design-variants.ts). Median wall time of one session.run per
 * variant; variants are interleaved round by round so that load on the machine hits them alike.
 *
 *   node --import tsx bench/scalecrafter-overhead.ts [--ep cpu|webgpu] [--rounds 9] [--quick] [--out FILE]
 */
import { writeFile } from 'node:fs/promises';
import { cpus, hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { serializeModel } from '../app/onnx/model-io.js';
import { openSession, type ExecutionProviderName, type ModelSession } from '../app/runtime/session.js';
import { scenarios, type Scenario } from './scalecrafter-overhead-scenarios.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(scenario: Scenario, provider: ExecutionProviderName, rounds: number): Promise<string[]> {
  const sessions: ModelSession[] = [];
  for (const variant of scenario.variants) sessions.push(await openSession(serializeModel(variant.model), { executionProvider: provider }));
  try {
    const times = scenario.variants.map(() => [] as number[]);
    for (let round = -2; round < rounds; round++) {
      for (const [index, variant] of scenario.variants.entries()) {
        const start = performance.now();
        await sessions[index]!.run(variant.feeds);
        if (round >= 0) times[index]!.push(performance.now() - start);
      }
    }
    const base = median(times[0]!);
    const width = Math.max(...scenario.variants.map((variant) => variant.name.length));
    return [
      `${scenario.title}`,
      `  ${'variant'.padEnd(width)}  median ms     min ms   ratio`,
      ...scenario.variants.map((variant, index) => {
        const m = median(times[index]!);
        return `  ${variant.name.padEnd(width)}  ${m.toFixed(2).padStart(9)}  ${Math.min(...times[index]!).toFixed(2).padStart(9)}  ${(m / base).toFixed(3).padStart(6)}`;
      }),
      '',
    ];
  } finally {
    await Promise.all(sessions.map((session) => session.release()));
  }
}

const { values: args } = parseArgs({
  options: { ep: { type: 'string', default: 'cpu' }, rounds: { type: 'string', default: '9' }, quick: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const provider = args.ep as ExecutionProviderName;
const machine = `${provider}-${cpus().length}core-${hostname()}`;
const lines = [`ScaleCrafter control overhead — ${machine}, node ${process.version}, ${new Date().toISOString()}`, `ep ${provider}, ${args.rounds} rounds after 2 warm-up rounds`, ''];
process.stdout.write(lines.join('\n') + '\n');
for (const scenario of scenarios(args.quick)) {
  const table = await measure(scenario, provider, Number(args.rounds));
  process.stdout.write(table.join('\n') + '\n');
  lines.push(...table);
}
if (args.out) await writeFile(args.out, lines.join('\n'), 'utf8');
