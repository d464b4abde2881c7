/**
 * A request body read with a size limit: refused (413) as soon as the limit is known to be passed —
 * from Content-Length before a byte is read, or while a chunked body streams in — so no client can
 * fill the server's memory. The rest of an oversized body is discarded, not buffered.
 */
import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; error: string };

export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const tooLarge: BodyRead = { ok: false, status: 413, error: `the request body is larger than ${maxBytes} bytes` };
  if (Number(request.headers['content-length']) > maxBytes) {
    request.resume();
    return Promise.resolve(tooLarge);
  }
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off('data', onData);
      request.resume();
      chunks = [];
      resolve(tooLarge);
    };
    request.on('data', onData);
    request.on('error', (error) => resolve({ ok: false, status: 400, error: error.message }));
    request.on('end', () => resolve({ ok: true, body: Buffer.concat(chunks) }));
  });
}
