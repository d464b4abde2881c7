/** Reading JSON request bodies and writing JSON replies, shared by the server's route handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type JsonBody = { ok: true; value: unknown } | { ok: false; error: string };

export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<{ ok: true; bytes: Buffer } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('error', (error) => resolve({ ok: false, error: error.message }));
    request.on('end', () => resolve({ ok: true, bytes: Buffer.concat(chunks) }));
  });
}

export async function readJson(request: IncomingMessage): Promise<JsonBody> {
  const body = await readBody(request);
  if (!body.ok) return body;
  try {
    return { ok: true, value: JSON.parse(body.bytes.toString('utf8')) };
  } catch (error) {
    return { ok: false, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** An empty reply with a status, as ComfyUI gives for POST /queue, /interrupt, /history. */
export function sendStatus(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-length': 0 });
  response.end();
}
