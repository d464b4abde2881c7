/**
 * The engine over HTTP, with ComfyUI-like endpoints so scripts written for ComfyUI's API carry over:
 * GET /object_info, POST /prompt, GET /queue, POST /interrupt, GET /history, GET /view.
 * Binds to 127.0.0.1 unless told otherwise: it runs arbitrary workflows on the user's GPU.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { EngineClient } from '../engine/engine-client.js';

export interface HttpApiOptions {
  engine: EngineClient;
  outputDir: string;
  host: string;
  port: number;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export async function startHttpApi(options: HttpApiOptions): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    route(request, response, options).catch((error: unknown) => sendJson(response, 500, { error: error instanceof Error ? error.message : String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { server, url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}` };
}

async function route(request: IncomingMessage, response: ServerResponse, { engine, outputDir }: HttpApiOptions): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const key = `${request.method} ${url.pathname}`;
  switch (key) {
    case 'GET /object_info':
      return sendJson(response, 200, Object.fromEntries((await engine.request('nodeSchemas', {})).map((schema) => [schema.type, schema])));
    case 'POST /prompt': {
      const body = await readJson(request);
      if (!body.ok) return sendJson(response, 400, { error: body.error });
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
      return sendJson(response, 404, { error: `no such endpoint: ${key}` });
  }
}

/** Only files inside the output folder, whatever `..` or absolute paths the query holds. */
async function serveOutputFile(response: ServerResponse, outputDir: string, filename: string, subfolder: string): Promise<void> {
  const root = path.resolve(outputDir);
  const target = path.resolve(root, subfolder, filename);
  const relative = path.relative(root, target);
  if (filename === '' || relative.startsWith('..') || path.isAbsolute(relative)) return sendJson(response, 403, { error: 'outside the output folder' });
  const info = await stat(target).catch(() => null);
  if (!info?.isFile()) return sendJson(response, 404, { error: `no such output file: ${relative}` });
  const types: Record<string, string> = { '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json' };
  response.writeHead(200, { 'content-type': types[path.extname(target).toLowerCase()] ?? 'application/octet-stream', 'content-length': info.size });
  createReadStream(target).pipe(response);
}

function readJson(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('error', (error) => resolve({ ok: false, error: error.message }));
    request.on('end', () => {
      try {
        resolve({ ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      } catch (error) {
        resolve({ ok: false, error: `the body is not valid JSON: ${(error as Error).message}` });
      }
    });
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
