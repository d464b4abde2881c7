/**
 * Engine events over a WebSocket at /ws (ComfyUI serves its events there too): every connected page
 * gets every event as JSON. Connections from another web origin are refused, so a page the user
 * happens to visit cannot watch (or, through the request endpoint, drive) their GPU.
 */
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import type { EngineEvent } from '../protocol/index.js';
import { isTrustedRequest } from './same-origin.js';

export interface EventSocket {
  broadcast(event: EngineEvent): void;
  close(): Promise<void>;
}

export function attachEventSocket(server: Server, options: { loopbackOnly: boolean }): EventSocket {
  const sockets = new WebSocketServer({
    server,
    path: '/ws',
    verifyClient: ({ req }: { req: IncomingMessage }) => isTrustedRequest(req, options),
  });
  return {
    broadcast(event) {
      const text = JSON.stringify(event);
      for (const client of sockets.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close(() => resolve());
      }),
  };
}
