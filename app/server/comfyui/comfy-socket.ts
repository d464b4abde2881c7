/**
 * ComfyUI's WebSocket at /ws?clientId=… (server.py `websocket_handler`): each connection is a
 * session id (the clientId it asked for, or a new one), told the queue's state as it connects;
 * messages are `{type, data}` JSON text, previews binary frames. A message goes to one session or,
 * with no session named, to every one.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

/** server.py BinaryEventTypes.PREVIEW_IMAGE; the next 4 bytes say JPEG (1) or PNG (2). */
const PREVIEW_IMAGE_EVENT = 1;
const PNG_FORMAT = 2;

export interface ComfySocket {
  /** To the session `sid`, or to every session when `sid` is null. */
  send(type: string, data: Record<string, unknown>, sid: string | null): void;
  sendPreviewPng(png: Uint8Array, sid: string | null): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

export interface ComfyMessage {
  type: string;
  data: Record<string, unknown>;
}

/** `greeting`: what a session is told as it connects (the queue's status, and the running node if it is that client's). */
export function createComfySocket(options: { verify: (request: IncomingMessage) => boolean; greeting: (sid: string) => ComfyMessage[] }): ComfySocket {
  const server = new WebSocketServer({ noServer: true, verifyClient: ({ req }: { req: IncomingMessage }) => options.verify(req) });
  const sessions = new Map<string, WebSocket>();

  server.on('connection', (socket, request) => {
    const asked = new URL(request.url ?? '/ws', 'http://localhost').searchParams.get('clientId');
    const sid = asked || randomUUID().replaceAll('-', '');
    // A client reconnecting under its id replaces its old connection, as ComfyUI does.
    sessions.set(sid, socket);
    socket.on('close', () => {
      if (sessions.get(sid) === socket) sessions.delete(sid);
    });
    for (const message of options.greeting(sid)) socket.send(JSON.stringify(message));
  });

  const deliver = (payload: string | Buffer, sid: string | null) => {
    const targets = sid === null ? sessions.values() : [sessions.get(sid)].filter((socket) => socket !== undefined);
    for (const socket of targets) if (socket.readyState === WebSocket.OPEN) socket.send(payload);
  };

  return {
    send: (type, data, sid) => deliver(JSON.stringify({ type, data }), sid),
    sendPreviewPng(png, sid) {
      const header = Buffer.alloc(8);
      header.writeUInt32BE(PREVIEW_IMAGE_EVENT, 0);
      header.writeUInt32BE(PNG_FORMAT, 4);
      deliver(Buffer.concat([header, png]), sid);
    },
    handleUpgrade(request, socket, head) {
      server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request));
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
