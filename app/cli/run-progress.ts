/**
 * What `scalecrafter run` shows while a job works: a progress bar (cli-progress) on a terminal, plain
 * lines when output goes to a log, nothing at all with --json.
 */
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../protocol/index.js';

export interface RunDisplay {
  handle(event: EngineEvent): void;
  stop(): void;
}

export function createRunDisplay(nodeTypes: ReadonlyMap<string, string>, mode: 'bar' | 'lines' | 'silent'): RunDisplay {
  if (mode === 'silent') return { handle: () => undefined, stop: () => undefined };
  const label = (id: string) => `${id} ${nodeTypes.get(id) ?? ''}`.trim();
  if (mode === 'lines') {
    return {
      handle(event) {
        if (event.type === 'cached' && event.nodes.length > 0) process.stderr.write(`cached: ${event.nodes.map(label).join(', ')}\n`);
        if (event.type === 'executing') process.stderr.write(`running ${label(event.nodeId)}\n`);
      },
      stop: () => undefined,
    };
  }

  const bar = new cliProgress.SingleBar(
    { format: '{node} |{bar}| {value}/{total} · node {done}/{count} · ETA {eta_formatted}', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let count = 0;
  let done = 0;
  let current = '';
  return {
    handle(event) {
      if (event.type === 'started') {
        count = event.nodes.length;
        bar.start(1, 0, { node: 'starting', done, count });
      } else if (event.type === 'executing') {
        if (current !== '') done++;
        current = event.nodeId;
        bar.setTotal(1);
        bar.update(0, { node: label(event.nodeId), done, count });
      } else if (event.type === 'progress') {
        bar.setTotal(event.max);
        bar.update(event.value, { node: label(event.nodeId), done, count });
      } else if (event.type === 'done') {
        bar.update(bar.getTotal(), { node: 'finished', done: count, count });
      }
    },
    stop: () => bar.stop(),
  };
}
