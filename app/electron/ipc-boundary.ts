/**
 * Main's side of the shell channels (app/protocol/shell-channels.ts): every invoke handler gets a
 * request its schema has checked, and pushes go out on their declared channel. Electron-free on
 * purpose: main.ts passes in the ipcMain/webContents functions, so tests run this in plain Node.
 */
import { shellChannels, type ShellInvokeName, type ShellPush, type ShellPushName, type ShellReply, type ShellRequest } from '../protocol/index.js';

export interface IpcHost {
  /** Registers the handler for invoke-style requests from the renderer. */
  handle(channel: string, handler: (payload: unknown) => Promise<unknown>): void;
  /** Pushes a payload to the page(s). */
  send(channel: string, payload: unknown): void;
}

/** Answers `name`'s requests; a request its schema refuses is rejected before `handler` sees it. */
export function handleShellRequest<N extends ShellInvokeName>(host: IpcHost, name: N, handler: (request: ShellRequest<N>) => Promise<ShellReply<N>>): void {
  const spec = shellChannels[name];
  host.handle(spec.channel, async (payload) => {
    const request = spec.request.safeParse(payload);
    if (!request.success) throw new Error(`malformed ${spec.label} from the renderer: ${request.error.message}`);
    return handler(request.data as ShellRequest<N>);
  });
}

export function pushToShell<N extends ShellPushName>(host: IpcHost, name: N, payload: ShellPush<N>): void {
  host.send(shellChannels[name].channel, payload);
}
