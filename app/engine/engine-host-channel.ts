/**
 * The engine process's side of its transport: messages to and from the host, whichever API started
 * it — Electron's utilityProcess (process.parentPort) or Node's child_process.fork (process.send).
 */
import type { WorkerMessage } from '../protocol/index.js';

export interface HostChannel {
  post(message: WorkerMessage): void;
  onMessage(listener: (raw: unknown) => void): void;
}

/** The part of Electron's ParentPort used here; typed locally so the engine does not import Electron. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function hostChannel(): HostChannel {
  const parentPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return { post: (message) => parentPort.postMessage(message), onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)) };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('the engine process must be started by a host (child_process.fork or Electron utilityProcess.fork)');
  // Without its host the engine has nobody to answer; a host killed outright cannot stop it.
  process.on('disconnect', () => process.exit(0));
  // Ctrl+C in a terminal signals the whole process group; the host decides what it means (the CLI cancels the job).
  process.on('SIGINT', () => undefined);
  return { post: (message) => void send(message), onMessage: (listener) => void process.on('message', listener) };
}
