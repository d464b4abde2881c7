/**
 * The engine's transport: one small interface over the OS process that runs the engine, so the host
 * side (EngineClient: requests, events, restarts) is the same whether Node's child_process
 * (child-process-engine.ts: serve, the CLI, tests) or Electron's utilityProcess
 * (app/electron/utility-process-engine.ts) started it. A separate process, not a thread, so that an
 * abort inside ONNX Runtime, an out-of-memory kill or a native crash takes down only the engine.
 */
import type { HostMessage } from '../protocol/index.js';
import type { EngineConfig } from './engine-config.js';

/** How the process ended: a signal where the platform says so, else the exit code. */
export interface EngineExit {
  code: number | null;
  signal: string | null;
}

export interface EngineProcess {
  readonly pid: number | undefined;
  send(message: HostMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** Called once, when the process is gone for whatever reason (at once if it is gone already). */
  onExit(listener: (exit: EngineExit) => void): void;
  /** Asks the process to end; onExit follows. */
  stop(): void;
}

export type EngineLauncher = (config: EngineConfig) => EngineProcess;

/** The argument that carries the engine's settings to its process (both fork APIs take arguments). */
const CONFIG_FLAG = '--engine-config=';

export function engineConfigArgument(config: EngineConfig): string {
  return `${CONFIG_FLAG}${JSON.stringify(config)}`;
}

/** The settings in `argv`, unparsed (the engine process checks them with its schema). */
export function engineConfigFromArgv(argv: readonly string[]): unknown {
  const argument = argv.find((value) => value.startsWith(CONFIG_FLAG));
  return argument === undefined ? undefined : JSON.parse(argument.slice(CONFIG_FLAG.length));
}

/** "the engine process stopped (signal SIGKILL)": the start of every message about a lost engine. */
export function describeExit(exit: EngineExit): string {
  return exit.signal ? `the engine process stopped (signal ${exit.signal})` : `the engine process stopped (exit code ${exit.code ?? 'unknown'})`;
}
