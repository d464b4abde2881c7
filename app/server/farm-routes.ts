/**
 * The editor's render farm over HTTP (app/protocol/farm.ts): POST api/farm/submit prepares the
 * page's workflow and sweep as `scalecrafter batch` does and puts the jobs on the farm's queue
 * (app/farm/farm-batches.ts);
 * api/farm/batches/<id>/events streams the batch's progress as server-sent events; …/files/<name>
 * serves its outputs. The page names the farm's Redis and shared folder (its settings); this server
 * writes nothing there and hands back only the files the batch's own jobs published.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BatchMonitor } from '../farm/batch-monitor.js';
import { FarmBatches, type FarmBatchesOptions } from '../farm/farm-batches.js';
import { farmSubmitParamsSchema, type FarmBatchView } from '../protocol/farm.js';
import { readJson, refuseBody, sendJson } from './http-json.js';
import { findFarmFile } from './farm-files.js';
import { contentTypeOf } from './output-file-path.js';

const BATCH_PATH = /^\/api\/farm\/batches\/([\w-]+)\/(events|files\/([\w.-]+))$/;

export class FarmRoutes {
  readonly #batches: FarmBatches;

  constructor(private readonly options: FarmBatchesOptions & { maxBodyBytes: number }) {
    this.#batches = new FarmBatches(options);
  }

  /** False when the request is not the farm's. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    if (request.method === 'POST' && url.pathname === '/api/farm/submit') {
      await this.#submit(request, response);
      return true;
    }
    const match = request.method === 'GET' ? BATCH_PATH.exec(url.pathname) : null;
    if (!match) return false;
    const monitor = this.#batches.get(match[1]!);
    if (!monitor) {
      sendJson(response, 404, { error: `this server submitted no batch "${match[1]}" since it started` });
      return true;
    }
    if (match[2] === 'events') streamEvents(request, response, monitor);
    else await this.#serveFile(response, match[1]!, match[3]!);
    return true;
  }

  close(): Promise<void> {
    return this.#batches.close();
  }

  async #submit(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!request.headers['content-type']?.startsWith('application/json')) return sendJson(response, 415, { error: 'send the parameters as application/json' });
    const body = await readJson(request, this.options.maxBodyBytes);
    if (!body.ok) return refuseBody(response, body);
    const params = farmSubmitParamsSchema.safeParse(body.value);
    if (!params.success) return sendJson(response, 400, { error: `bad farm submission: ${params.error.message}` });
    sendJson(response, 200, await this.#batches.submit(params.data));
  }

  async #serveFile(response: ServerResponse, batchId: string, name: string): Promise<void> {
    const file = await findFarmFile(this.#batches, batchId, name);
    if (!file) return sendJson(response, 404, { error: `batch ${batchId} published no file "${name}"` });
    response.writeHead(200, { 'content-type': contentTypeOf(file), 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    createReadStream(file).pipe(response);
  }
}

function streamEvents(request: IncomingMessage, response: ServerResponse, monitor: BatchMonitor): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  const send = (view: FarmBatchView) => response.write(`data: ${JSON.stringify(view)}\n\n`);
  send(monitor.view);
  const stop = monitor.onChange(send);
  // Resubmitted, the batch has a new monitor: ending the stream makes the page's EventSource reconnect to it.
  const stopClose = monitor.onClose(() => response.end());
  request.once('close', () => {
    stop();
    stopClose();
  });
}

