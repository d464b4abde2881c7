/**
 * The engine in a Node child process (child_process.fork): what `serve`, the CLI and the tests use.
 * Messages use structured-clone serialisation, as Electron's utilityProcess does, so both adapters
 * carry the same values.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineConfig } from './engine-config.js';
import { engineConfigArgument, type EngineExit, type EngineProcess } from './engine-process.js';

// After `tsc` the entry is plain .js; under tsx (tests, development) it is .ts and needs tsx's loader.
const runningFromSource = import.meta.url.endsWith('.ts');
export const defaultEngineEntry = new URL(`./engine-main${runningFromSource ? '.ts' : '.js'}`, import.meta.url);

/** Starts `entry` (the shipped engine-main unless a test names its own) as the engine process. */
export function forkEngineProcess(config: EngineConfig, entry: URL = defaultEngineEntry): EngineProcess {
  const child = fork(fileURLToPath(entry), [engineConfigArgument(config)], {
    serialization: 'advanced',
    // Explicit, so the host's own flags (--test, --inspect…) are not inherited.
    execArgv: entry.pathname.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [],
  });
  let exited: EngineExit | null = null;
  const exitListeners: Array<(exit: EngineExit) => void> = [];
  const ended = (exit: EngineExit) => {
    if (exited) return;
    exited = exit;
    for (const listener of exitListeners) listener(exit);
  };
  child.on('exit', (code, signal) => ended({ code, signal }));
  // A process that could not be spawned emits 'error' and may never emit 'exit'.
  child.on('error', () => {
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) ended({ code: null, signal: null });
  });
  return {
    get pid() {
      return child.pid;
    },
    // A message to a process that has just died is lost; its exit is reported through onExit.
    send: (message) => void (child.connected && child.send(message, () => undefined)),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => (exited ? listener(exited) : void exitListeners.push(listener)),
    stop: () => void child.kill(),
  };
}
