/**
 * The engine over HTTP: ComfyUI's API (app/server/comfyui/: /prompt, /queue, /history, /view,
 * /upload/image, /object_info… and its /ws messages) so clients written for ComfyUI work unchanged,
 * the channel map as one typed endpoint for the UI (POST /api/request/<name>), engine events on a
 * WebSocket for the UI (/api/events), the editor's render farm (/api/farm/: farm-routes.ts), and
 * the built canvas UI (renderer/dist) at /.
 * Binds to 127.0.0.1 unless told otherwise: it runs arbitrary workflows on the user's GPU.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { EngineClient } from '../engine/engine-client.js';
import { defaultEngineConfig, type EngineConfig } from '../engine/engine-config.js';
import { comfyFolders } from './comfyui/comfy-folders.js';
import { ComfyApi } from './comfyui/comfy-api.js';
import { FarmRoutes } from './farm-routes.js';
import { createEventSocket, ENGINE_EVENTS_PATH, type EventSocket } from './event-socket.js';
import { MAX_BODY_BYTES, readJson, refuseBody, sendJson } from './http-json.js';
import { contentTypeOf } from './output-file-path.js';
import { defaultRendererDir, rendererAssetPath } from './renderer-assets.js';
import { checkRendererRequest, isRequestName } from './renderer-requests.js';
import { isLoopbackAddress, isTrustedRequest } from './same-origin.js';
import type { RequestResult } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface HttpApiOptions {
  engine: EngineClient;
  outputDir: string;
  /** ComfyUI's input folder: uploads land there and LoadImage reads from it; by default `input` beside the output folder. */
  inputDir?: string;
  host: string;
  port: number;
  /** The built UI to serve at /; by default this checkout's renderer/dist; null serves no UI. */
  rendererDir?: string | null;
  /** Larger request bodies are refused with 413; 64 MiB by default. */
  maxBodyBytes?: number;
  /** The models folder the render farm identifies a batch's models in; by default the engine's default. */
  farmModels?: Pick<EngineConfig, 'modelsDir' | 'comfyui'>;
  /** A farm job no worker can take (none has its models) is given up after this long; 10 minutes by default. */
  farmUnservedTimeoutMs?: number;
}

export interface HttpApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const loopbackOnly = isLoopbackAddress(options.host);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const inputDir = options.inputDir ?? path.join(path.dirname(path.resolve(options.outputDir)), 'input');
  const context: RouteContext = {
    ...options,
    rendererDir: options.rendererDir === undefined ? defaultRendererDir() : options.rendererDir,
    maxBodyBytes,
    loopbackOnly,
    comfy: new ComfyApi({ engine: options.engine, folders: comfyFolders(inputDir, options.outputDir), maxBodyBytes, trusted: (request) => isTrustedRequest(request, { loopbackOnly }) }),
    farm: new FarmRoutes({ engine: options.engine, engineConfig: options.farmModels ?? defaultEngineConfig(), outputDir: options.outputDir, maxBodyBytes, ...(options.farmUnservedTimeoutMs === undefined ? {} : { unservedTimeoutMs: options.farmUnservedTimeoutMs }) }),
  };
  const server = createServer((request, response) => {
    route(request, response, context).catch((error: unknown) => sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) }));
  });
  const events = createEventSocket({ loopbackOnly });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => routeUpgrade(request, socket, head, { events, comfy: context.comfy }));
  const stopForwarding = options.engine.onEvent((event) => events.broadcast(event));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    async close() {
      stopForwarding();
      await Promise.all([events.close(), context.comfy.close(), context.farm.close()]);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets (fetch keeps them) would otherwise hold close() open for minutes.
      server.closeAllConnections();
      await closed;
    },
  };
}

interface RouteContext extends HttpApiOptions {
  rendererDir: string | null;
  maxBodyBytes: number;
  loopbackOnly: boolean;
  comfy: ComfyApi;
  farm: FarmRoutes;
}

/** /ws is ComfyUI's socket, /api/events the UI's; each checks the request's origin itself. */
function routeUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, sockets: { events: EventSocket; comfy: ComfyApi }): void {
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (pathname === '/ws' || pathname === '/api/ws') return sockets.comfy.socket.handleUpgrade(request, socket, head);
  if (pathname === ENGINE_EVENTS_PATH) return sockets.events.handleUpgrade(request, socket, head);
  socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
}

async function route(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  if (!isTrustedRequest(request, context)) return sendJson(response, 403, { error: 'refused: the request comes from another web origin or host name' });
  const url = new URL(request.url ?? '/', 'http://localhost');
  const key = `${request.method} ${url.pathname}`;
  if (request.method === 'POST' && url.pathname.startsWith('/api/request/')) return handleTypedRequest(request, response, context, url.pathname.slice('/api/request/'.length));
  if (url.pathname.startsWith('/api/farm/') && (await context.farm.handle(request, response, url))) return;
  if (await context.comfy.handle(request, response, url)) return;
  if (request.method === 'GET' && context.rendererDir) return serveRendererAsset(response, context.rendererDir, url.pathname, key);
  return sendJson(response, 404, { error: `no such endpoint: ${key}` });
}

/** The channel map over HTTP: the body is the request's params, the reply its result. */
async function handleTypedRequest(request: IncomingMessage, response: ServerResponse, context: RouteContext, name: string): Promise<void> {
  if (!isRequestName(name)) return sendJson(response, 404, { error: `no such engine request: ${name}` });
  // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
  if (!request.headers['content-type']?.startsWith('application/json')) return sendJson(response, 415, { error: 'send the parameters as application/json' });
  const body = await readJson(request, context.maxBodyBytes);
  if (!body.ok) return refuseBody(response, body);
  let checked;
  try {
    checked = checkRendererRequest({ name, params: body.value }, context);
  } catch (error) {
    if (error instanceof UserFacingError) return sendJson(response, 400, { error: error.message });
    throw error;
  }
  const result = await context.engine.request(checked.name, checked.params as never);
  // ComfyUI clients see the UI's jobs too (queue, messages, history), as ComfyUI's own UI's jobs.
  const queued = checked.name === 'enqueue' ? (result as RequestResult<'enqueue'>) : undefined;
  if (queued?.ok) context.comfy.adoptJob(queued.jobId);
  return sendJson(response, 200, result);
}

async function serveRendererAsset(response: ServerResponse, root: string, pathname: string, key: string): Promise<void> {
  const file = rendererAssetPath(root, pathname);
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info?.isFile()) return sendJson(response, 404, { error: `no such endpoint: ${key}` });
  response.writeHead(200, {
    'content-type': contentTypeOf(file),
    'content-length': info.size,
    // Hashed asset names may be cached; index.html must be re-read so a rebuild is picked up.
    'cache-control': file.endsWith('.html') ? 'no-cache' : 'max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(response);
}
