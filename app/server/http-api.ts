/**
 * The engine over HTTP, with ComfyUI-like endpoints so scripts written for ComfyUI's API carry over
 * (GET /object_info, POST /prompt, GET /queue, POST /interrupt, GET /history, GET /view), the
 * channel map as one typed endpoint for the UI (POST /api/request/<name>), engine events on a
 * WebSocket (/ws), and the built canvas UI (renderer/dist) at /.
 * Binds to 127.0.0.1 unless told otherwise: it runs arbitrary workflows on the user's GPU.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EngineClient } from '../engine/engine-client.js';
import { attachEventSocket } from './event-socket.js';
import { contentTypeOf, findOutputFile } from './output-file-path.js';
import { defaultRendererDir, rendererAssetPath } from './renderer-assets.js';
import { checkRendererRequest, isRequestName } from './renderer-requests.js';
import { readRequestBody, type BodyRead } from './request-body.js';
import { isLoopbackAddress, isTrustedRequest } from './same-origin.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export interface HttpApiOptions {
  engine: EngineClient;
  outputDir: string;
  host: string;
  port: number;
  /** The built UI to serve at /; by default this checkout's renderer/dist; null serves no UI. */
  rendererDir?: string | null;
  /** Larger request bodies are refused with 413; 64 MiB by default. */
  maxBodyBytes?: number;
}

export interface HttpApi {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const context: RouteContext = {
    ...options,
    rendererDir: options.rendererDir === undefined ? defaultRendererDir() : options.rendererDir,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    loopbackOnly: isLoopbackAddress(options.host),
  };
  const server = createServer((request, response) => {
    route(request, response, context).catch((error: unknown) => sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) }));
  });
  const events = attachEventSocket(server, { loopbackOnly: context.loopbackOnly });
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
      await events.close();
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
}

async function route(request: IncomingMessage, response: ServerResponse, context: RouteContext): Promise<void> {
  if (!isTrustedRequest(request, context)) return sendJson(response, 403, { error: 'refused: the request comes from another web origin or host name' });
  const { engine, outputDir } = context;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const key = `${request.method} ${url.pathname}`;
  if (request.method === 'POST' && url.pathname.startsWith('/api/request/')) return handleTypedRequest(request, response, context, url.pathname.slice('/api/request/'.length));
  switch (key) {
    case 'GET /object_info':
      return sendJson(response, 200, Object.fromEntries((await engine.request('nodeSchemas', {})).map((schema) => [schema.type, schema])));
    case 'POST /prompt': {
      const body = await readJson(request, context.maxBodyBytes);
      if (!body.ok) return refuseBody(response, body);
      const { workflow } = (body.value ?? {}) as { workflow?: unknown };
      const result = await engine.request('enqueue', { workflow: workflow ?? body.value, options: { outputDir }, overrides: [] });
      return result.ok
        ? sendJson(response, 200, { prompt_id: result.jobId, number: result.position })
        : sendJson(response, 400, { error: 'invalid workflow', node_errors: result.issues });
    }
    case 'GET /queue':
      return sendJson(response, 200, await engine.request('queue', {}));
    case 'POST /interrupt': {
      const { running } = await engine.request('queue', {});
      return sendJson(response, 200, running ? await engine.request('cancel', { jobId: running.jobId }) : { cancelled: false });
    }
    case 'GET /history': {
      const limit = Number(url.searchParams.get('max_items') ?? '') || undefined;
      return sendJson(response, 200, await engine.request('history', limit ? { limit } : {}));
    }
    case 'GET /view':
      return serveOutputFile(response, outputDir, url.searchParams.get('filename') ?? '', url.searchParams.get('subfolder') ?? '');
    default:
      if (request.method === 'GET' && context.rendererDir) return serveRendererAsset(response, context.rendererDir, url.pathname, key);
      return sendJson(response, 404, { error: `no such endpoint: ${key}` });
  }
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
  return sendJson(response, 200, result);
}

/** Only files inside the output folder, whatever `..`, absolute paths or symbolic links the query involves. */
async function serveOutputFile(response: ServerResponse, outputDir: string, filename: string, subfolder: string): Promise<void> {
  const file = await findOutputFile(outputDir, filename, subfolder);
  if (!file.ok && file.reason !== 'missing') return sendJson(response, 403, { error: 'outside the output folder' });
  const info = file.ok ? await stat(file.path).catch(() => null) : null;
  if (!file.ok || !info?.isFile()) return sendJson(response, 404, { error: `no such output file: ${path.posix.join(subfolder, filename)}` });
  response.writeHead(200, { 'content-type': contentTypeOf(file.path), 'content-length': info.size });
  createReadStream(file.path).pipe(response);
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

async function readJson(request: IncomingMessage, maxBytes: number): Promise<{ ok: true; value: unknown } | Extract<BodyRead, { ok: false }>> {
  const read = await readRequestBody(request, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, value: JSON.parse(read.body.toString('utf8')) };
  } catch (error) {
    return { ok: false, status: 400, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

/** A body that could not be read; after a 413 the connection closes, so the rest of the upload is not waited for. */
function refuseBody(response: ServerResponse, refusal: Extract<BodyRead, { ok: false }>): void {
  if (refusal.status === 413) response.setHeader('connection', 'close');
  sendJson(response, refusal.status, { error: refusal.error });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
