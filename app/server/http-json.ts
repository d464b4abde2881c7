/** Reading JSON request bodies and writing JSON replies, shared by the server's route handlers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readRequestBody, type BodyRead } from './request-body.js';

/** What a JSON body may weigh unless the server is configured otherwise (`startHttpApi`'s maxBodyBytes). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type BodyRefusal = Extract<BodyRead, { ok: false }>;
export type JsonBody = { ok: true; value: unknown } | BodyRefusal;

export async function readJson(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<JsonBody> {
  const read = await readRequestBody(request, maxBytes);
  if (!read.ok) return read;
  try {
    return { ok: true, value: JSON.parse(read.body.toString('utf8')) };
  } catch (error) {
    return { ok: false, status: 400, error: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

/** A body that could not be read; after a 413 the connection closes, so the rest of the upload is not waited for. */
export function refuseBody(response: ServerResponse, refusal: { status: number; error: string }, body: unknown = { error: refusal.error }): void {
  if (refusal.status === 413) response.setHeader('connection', 'close');
  sendJson(response, refusal.status, body);
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
