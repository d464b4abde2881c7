/**
 * ComfyUI's HTTP API over the engine (server.py's routes, each also under /api as ComfyUI adds
 * them): POST/GET /prompt, GET/POST /queue, POST /interrupt, GET/POST /history, GET /history/{id},
 * GET /view, POST /upload/image, GET /object_info[/{class}], /system_stats, /embeddings,
 * /models[/{folder}]; and its WebSocket (/ws), fed by the engine's events.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineClient } from '../../engine/engine-client.js';
import { readJson, refuseBody, sendJson, sendStatus } from '../http-json.js';
import { prepareClientPrompt, type ClientPrompt } from './client-prompt.js';
import { createComfySocket, type ComfySocket } from './comfy-socket.js';
import type { ComfyFolders } from './comfy-folders.js';
import { ComfyEventRelay } from './event-relay.js';
import { serveFolderFile, uploadImage } from './file-routes.js';
import { modelFolderFiles, modelFolders, objectInfoWithInputs, systemStats } from './info-routes.js';
import { ComfyJobBook, type ComfyJob } from './job-book.js';
import { comfyRejection } from './prompt-errors.js';
import type { ComfyNodeInfo } from './object-info.js';

export interface ComfyApiOptions {
  engine: EngineClient;
  folders: ComfyFolders;
  /** Larger request bodies are refused with 413. */
  maxBodyBytes: number;
  /** Whether a request may be answered (same origin, loopback Host): also checked on /ws. */
  trusted: (request: IncomingMessage) => boolean;
}

type Route = (request: IncomingMessage, response: ServerResponse, url: URL, parameter: string) => Promise<void>;

export class ComfyApi {
  readonly socket: ComfySocket;
  readonly #engine: EngineClient;
  readonly #folders: ComfyFolders;
  readonly #maxBodyBytes: number;
  readonly #book = new ComfyJobBook();
  readonly #relay: ComfyEventRelay;
  readonly #stopRelaying: () => void;
  readonly #routes: Readonly<Record<string, Route>>;

  constructor(options: ComfyApiOptions) {
    this.#engine = options.engine;
    this.#folders = options.folders;
    this.#maxBodyBytes = options.maxBodyBytes;
    this.socket = createComfySocket({ verify: options.trusted, greeting: (sid) => this.#relay.greeting(sid) });
    this.#relay = new ComfyEventRelay(this.#book, this.socket);
    this.#stopRelaying = options.engine.onEvent((event) => this.#relay.handle(event));
    this.#routes = this.#routeTable();
  }

  /** Answers a ComfyUI route; false when the request is not one. A route with a trailing slash takes the rest of the path. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const pathname = url.pathname.startsWith('/api/') ? url.pathname.slice('/api'.length) : url.pathname;
    const exact = this.#routes[`${request.method} ${pathname}`];
    const slash = pathname.indexOf('/', 1);
    const withParameter = slash > 0 ? this.#routes[`${request.method} ${pathname.slice(0, slash + 1)}`] : undefined;
    const route = exact ?? withParameter;
    if (!route) return false;
    await route(request, response, url, exact ? '' : decodeURIComponent(pathname.slice(slash + 1)));
    return true;
  }

  /** A job queued another way (the canvas UI): ComfyUI's queue, messages and history show it too. */
  adoptJob(jobId: string): void {
    const record = { promptId: jobId, number: this.#book.numberFor({}), prompt: {}, extraData: {}, outputsToExecute: [], clientId: null };
    this.#relay.claim(comfyJob(record, prepareClientPrompt(null, this.#folders)));
  }

  async close(): Promise<void> {
    this.#stopRelaying();
    await this.socket.close();
  }

  #routeTable(): Record<string, Route> {
    const json = (reply: () => unknown) => async (_request: IncomingMessage, response: ServerResponse) => sendJson(response, 200, await reply());
    return {
      'GET /prompt': json(() => this.#relay.queueInfo()),
      'POST /prompt': (request, response) => this.#postPrompt(request, response),
      'GET /queue': json(() => this.#queueListing()),
      'POST /queue': (request, response) => this.#postQueue(request, response),
      'POST /interrupt': (request, response) => this.#interrupt(request, response),
      'GET /history': async (_request, response, url) => {
        const maxItems = url.searchParams.get('max_items');
        sendJson(response, 200, this.#book.history(maxItems === null || !Number.isInteger(Number(maxItems)) ? undefined : Number(maxItems)));
      },
      'GET /history/': async (_request, response, _url, id) => sendJson(response, 200, this.#book.historyOf(id)),
      'POST /history': (request, response) => this.#postHistory(request, response),
      'GET /view': (_request, response, url) => serveFolderFile(response, this.#folders, url.searchParams),
      'POST /upload/image': (request, response) => uploadImage(request, response, this.#folders),
      'GET /object_info': json(() => this.#objectInfo()),
      'GET /object_info/': async (_request, response, _url, type) => {
        const info = (await this.#objectInfo())[type];
        sendJson(response, 200, info ? { [type]: info } : {});
      },
      'GET /system_stats': json(systemStats),
      'GET /embeddings': json(() => []),
      'GET /models': json(modelFolders),
      'GET /models/': async (_request, response, _url, folder) => {
        const files = modelFolderFiles(await this.#engine.request('nodeSchemas', {}), folder);
        return files ? sendJson(response, 200, files) : sendStatus(response, 404);
      },
    };
  }

  async #objectInfo(): Promise<Record<string, ComfyNodeInfo>> {
    return objectInfoWithInputs(await this.#engine.request('nodeSchemas', {}), this.#folders);
  }

  async #postPrompt(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request, this.#maxBodyBytes);
    if (!body.ok && body.status === 413) return refuseBody(response, body);
    const json = body.ok && isRecord(body.value) ? body.value : {};
    if (!body.ok || !('prompt' in json)) {
      const message = body.ok ? 'No prompt provided' : body.error;
      return sendJson(response, 400, { error: { type: 'no_prompt', message, details: message, extra_info: {} }, node_errors: {} });
    }
    const number = this.#book.numberFor(json);
    const clientId = typeof json.client_id === 'string' ? json.client_id : null;
    const extraData = { ...(isRecord(json.extra_data) ? json.extra_data : {}), ...(clientId === null ? {} : { client_id: clientId }) };
    const client = prepareClientPrompt(json.prompt, this.#folders);
    const pngInfo = isRecord(json.extra_data) ? json.extra_data.extra_pnginfo : undefined;
    const editorWorkflow = isRecord(pngInfo) ? pngInfo.workflow : undefined;
    const result = await this.#engine.request('enqueue', {
      workflow: client.forEngine,
      options: { outputDir: this.#folders.outputDir, front: json.front === true },
      overrides: [],
      ...(editorWorkflow === undefined ? {} : { editorWorkflow }),
    });
    const info = await this.#objectInfo();
    const outputNodes = outputNodeIds(json.prompt, info);
    if (!result.ok) return sendJson(response, 400, comfyRejection(result.issues, { prompt: json.prompt, client, outputNodes, objectInfo: info }));
    this.#relay.claim(comfyJob({ promptId: result.jobId, number, prompt: json.prompt, extraData, outputsToExecute: outputNodes, clientId }, client));
    return sendJson(response, 200, { prompt_id: result.jobId, number, node_errors: {} });
  }

  async #queueListing(): Promise<{ queue_running: unknown[]; queue_pending: unknown[] }> {
    const { running, pending } = await this.#engine.request('queue', {});
    const item = (jobId: string) => {
      const job = this.#book.get(jobId);
      return job ? ComfyJobBook.queueItem(job) : [0, jobId, {}, {}, []];
    };
    return { queue_running: running ? [item(running.jobId)] : [], queue_pending: pending.map((job) => item(job.jobId)) };
  }

  /** {clear: true} empties the pending queue, {delete: [ids]} removes those; the running prompt stays (ComfyUI's /interrupt stops it). */
  async #postQueue(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const json = await this.#optionsIn(request, response);
    if (json === null) return;
    const { pending } = await this.#engine.request('queue', {});
    const pendingIds = new Set(pending.map((job) => job.jobId));
    const doomed = json.clear === true ? [...pendingIds] : [];
    if (Array.isArray(json.delete)) doomed.push(...json.delete.filter((id): id is string => typeof id === 'string' && pendingIds.has(id)));
    for (const jobId of new Set(doomed)) await this.#engine.request('cancel', { jobId });
    sendStatus(response, 200);
  }

  /** Stops the running prompt; with {prompt_id}, only when that prompt is the one running. */
  async #interrupt(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const json = await this.#optionsIn(request, response);
    if (json === null) return;
    const only = typeof json.prompt_id === 'string' ? json.prompt_id : undefined;
    const { running } = await this.#engine.request('queue', {});
    if (running && (only === undefined || only === running.jobId)) await this.#engine.request('cancel', { jobId: running.jobId });
    sendStatus(response, 200);
  }

  async #postHistory(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const json = await this.#optionsIn(request, response);
    if (json === null) return;
    if (json.clear === true) this.#book.clearHistory();
    if (Array.isArray(json.delete)) for (const id of json.delete) if (typeof id === 'string') this.#book.deleteHistory(id);
    sendStatus(response, 200);
  }

  /** A POST's options: {} when the body is absent or not an object, as ComfyUI reads them; null once an oversized body was refused. */
  async #optionsIn(request: IncomingMessage, response: ServerResponse): Promise<Record<string, unknown> | null> {
    const body = await readJson(request, this.#maxBodyBytes);
    if (!body.ok && body.status === 413) {
      refuseBody(response, body);
      return null;
    }
    return body.ok && isRecord(body.value) ? body.value : {};
  }
}

function comfyJob(record: Omit<ComfyJob, 'clientNodeId' | 'classTypeOf'>, client: ClientPrompt): ComfyJob {
  return {
    ...record,
    clientNodeId: (engineNodeId) => client.clientIds.get(engineNodeId) ?? engineNodeId,
    classTypeOf: (clientNodeId) => client.classTypes.get(clientNodeId) ?? '',
  };
}

/** The prompt's nodes whose class ComfyUI would run as outputs (outputs_to_execute). */
function outputNodeIds(prompt: unknown, info: Readonly<Record<string, ComfyNodeInfo>>): string[] {
  if (!isRecord(prompt)) return [];
  return Object.entries(prompt).filter(([, node]) => isRecord(node) && typeof node.class_type === 'string' && info[node.class_type]?.output_node === true).map(([id]) => id);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
