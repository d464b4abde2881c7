/**
 * The editor's render farm over HTTP (app/protocol/farm.ts): POST api/farm/submit prepares the
 * page's workflow and sweep as `scalecrafter batch` does and puts the jobs on the farm's queue;
 * api/farm/batches/<id>/events streams the batch's progress as server-sent events; …/files/<name>
 * serves its outputs. The page names the farm's Redis and shared folder (its settings); this server
 * writes nothing there and hands back only the files the batch's own jobs published.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { EngineClient } from '../engine/engine-client.js';
import type { EngineConfig } from '../engine/engine-config.js';
import { BatchMonitor } from '../farm/batch-monitor.js';
import { prepareBatch } from '../farm/batch-jobs.js';
import { checkRedisReachable, submitJobs } from '../farm/batch-submit.js';
import { DEFAULT_QUEUE_NAME } from '../farm/farm-job.js';
import { parseSweep } from '../farm/sweep.js';
import { farmSubmitParamsSchema, type FarmBatchView, type FarmSubmitResult, type ParsedFarmSubmitParams } from '../protocol/farm.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { readJson, refuseBody, sendJson } from './http-json.js';
import { findOutputFile, contentTypeOf } from './output-file-path.js';

/** Tries per job for failures that may pass, as `scalecrafter batch` defaults to. */
const ATTEMPTS = 2;
const BATCH_PATH = /^\/api\/farm\/batches\/([\w-]+)\/(events|files\/([\w.-]+))$/;

export interface FarmRoutesOptions {
  engine: EngineClient;
  /** Identifies the models a batch uses by content (the workers must hold the same). */
  engineConfig: Pick<EngineConfig, 'modelsDir' | 'comfyui'>;
  /** The server's output folder: a relative farm folder is inside it. */
  outputDir: string;
  maxBodyBytes: number;
}

export class FarmRoutes {
  readonly #batches = new Map<string, BatchMonitor>();

  constructor(private readonly options: FarmRoutesOptions) {}

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
    else await serveFile(response, monitor, match[3]!);
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#batches.values()].map((monitor) => monitor.close()));
    this.#batches.clear();
  }

  async #submit(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A JSON content type cannot be sent cross-site without a CORS preflight, which this server never grants.
    if (!request.headers['content-type']?.startsWith('application/json')) return sendJson(response, 415, { error: 'send the parameters as application/json' });
    const body = await readJson(request, this.options.maxBodyBytes);
    if (!body.ok) return refuseBody(response, body);
    const params = farmSubmitParamsSchema.safeParse(body.value);
    if (!params.success) return sendJson(response, 400, { error: `bad farm submission: ${params.error.message}` });
    let result: FarmSubmitResult;
    try {
      result = await this.#submitBatch(params.data);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      result = { ok: false, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.field ? { field: error.field } : {}) };
    }
    sendJson(response, 200, result);
  }

  async #submitBatch(params: ParsedFarmSubmitParams): Promise<FarmSubmitResult> {
    const { redisUrl } = params;
    const queueName = params.queue ?? DEFAULT_QUEUE_NAME;
    // Before the (slower) validation of every combination: a wrong URL is the commonest mistake.
    await checkRedisReachable(redisUrl);
    const sweep = parseSweep(params.sweep, 'the sweep');
    const outputDir = path.resolve(this.options.outputDir, params.outputDir);
    const jobs = await prepareBatch(this.options.engine, this.options.engineConfig, { workflowFile: 'the workflow', workflowJson: params.workflow, sweep, outputDir });
    await submitJobs(jobs, { redisUrl, queueName, attempts: ATTEMPTS });
    const batchId = jobs[0]!.batchId;
    // The same workflow and sweep give the same batch: submitted again, it is followed afresh.
    await this.#batches.get(batchId)?.close();
    this.#batches.set(batchId, new BatchMonitor(batchId, jobs, { redisUrl, queueName, outputDir }));
    return { ok: true, batchId, jobs: jobs.length, outputDir };
  }
}

function streamEvents(request: IncomingMessage, response: ServerResponse, monitor: BatchMonitor): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  const send = (view: FarmBatchView) => response.write(`data: ${JSON.stringify(view)}\n\n`);
  send(monitor.view);
  const stop = monitor.onChange(send);
  request.once('close', stop);
}

async function serveFile(response: ServerResponse, monitor: BatchMonitor, name: string): Promise<void> {
  const found = monitor.hasFile(name) ? await findOutputFile(monitor.view.outputDir, name, '') : null;
  if (!found?.ok) return sendJson(response, 404, { error: `batch ${monitor.batchId} published no file "${name}"` });
  response.writeHead(200, { 'content-type': contentTypeOf(found.path), 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  createReadStream(found.path).pipe(response);
}
