/**
 * Engine events over a WebSocket at /api/events, for the canvas UI: every connected page gets every
 * event as JSON. (/ws speaks ComfyUI's messages: app/server/comfyui/comfy-socket.ts.) Connections
 * from another web origin are refused, so a page the user happens to visit cannot watch (or,
 * through the request endpoint, drive) their GPU.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { EngineEvent } from '../protocol/index.js';
import { isTrustedRequest } from './same-origin.js';

export const ENGINE_EVENTS_PATH = '/api/events';

export interface EventSocket {
  broadcast(event: EngineEvent): void;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

export function createEventSocket(options: { loopbackOnly: boolean }): EventSocket {
  const sockets = new WebSocketServer({
    noServer: true,
    verifyClient: ({ req }: { req: IncomingMessage }) => isTrustedRequest(req, options),
  });
  return {
    broadcast(event) {
      const text = JSON.stringify(event);
      for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    },
    handleUpgrade(request, socket, head) {
      sockets.handleUpgrade(request, socket, head, (client) => sockets.emit('connection', client, request));
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close(() => resolve());
      }),
  };
}
