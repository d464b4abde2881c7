/**
 * The engine in an Electron utility process: Electron's own child-process API (child_process.fork
 * would start a second Electron). Thin on purpose — it cannot be launched on CI; the supervisor it
 * plugs into (EngineClient) is tested with the child_process adapter, which shares everything else.
 */
import { utilityProcess } from 'electron';
import { fileURLToPath } from 'node:url';
import type { EngineConfig } from '../engine/engine-config.js';
import { engineConfigArgument, type EngineExit, type EngineProcess } from '../engine/engine-process.js';

const engineEntry = fileURLToPath(new URL('../engine/engine-main.js', import.meta.url));

export function utilityProcessEngine(config: EngineConfig): EngineProcess {
  const child = utilityProcess.fork(engineEntry, [engineConfigArgument(config)], { serviceName: 'ScaleCrafter engine' });
  let exited: EngineExit | null = null;
  const exitListeners: Array<(exit: EngineExit) => void> = [];
  // Electron reports an exit code only (a signal shows as the code waitpid gave).
  child.once('exit', (code) => {
    exited = { code, signal: null };
    for (const listener of exitListeners) listener(exited);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => (exited ? listener(exited) : void exitListeners.push(listener)),
    stop: () => void child.kill(),
  };
}
