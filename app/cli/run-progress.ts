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

export function createRunDisplay(mode: 'bar' | 'lines' | 'silent'): RunDisplay {
  if (mode === 'silent') return { handle: () => undefined, stop: () => undefined };
  const nodeTypes = new Map<string, string>();
  const label = (id: string) => `${id} ${nodeTypes.get(id) ?? ''}`.trim();
  const remember = (event: EngineEvent) => {
    if (event.type === 'executing') nodeTypes.set(event.nodeId, event.nodeType);
  };
  if (mode === 'lines') {
    return {
      handle(event) {
        remember(event);
        if (event.type === 'message') process.stderr.write(`${event.level === 'warning' ? 'warning: ' : ''}${label(event.nodeId)}: ${event.text}\n`);
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
  const held: string[] = [];
  let count = 0;
  let done = 0;
  let current = '';
  return {
    handle(event) {
      remember(event);
      // A single bar owns its line: messages wait until it stops.
      if (event.type === 'message') held.push(`${event.level === 'warning' ? 'warning: ' : ''}${label(event.nodeId)}: ${event.text}\n`);
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
    stop: () => {
      bar.stop();
      for (const line of held) process.stderr.write(line);
    },
  };
}
