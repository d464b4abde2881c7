/**
 * ComfyUI's HTTP API over the engine (server.py's routes, each also under /api as ComfyUI adds
 * them): POST/GET /prompt, GET/POST /queue, POST /interrupt, GET/POST /history, GET /history/{id},
 * GET /view, POST /upload/image, GET /object_info[/{class}], /system_stats, /embeddings,
 * /models[/{folder}]; and its WebSocket (/ws), fed by the engine's events.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineClient } from '../../engine/engine-client.js';
import { readJson, sendJson, sendStatus } from '../http-json.js';
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
  /** Whether a request may be answered (same origin, loopback Host): also checked on /ws. */
  trusted: (request: IncomingMessage) => boolean;
}

export interface ComfyApi {
  socket: ComfySocket;
  /** Answers a ComfyUI route; false when the request is not one. */
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  /** A job queued another way (the canvas UI): ComfyUI's queue, messages and history show it too. */
  adoptJob(jobId: string): void;
  close(): Promise<void>;
}

type Route = (request: IncomingMessage, response: ServerResponse, url: URL, parameter: string) => Promise<void>;

export function createComfyApi(options: ComfyApiOptions): ComfyApi {
  const { engine, folders } = options;
  const book = new ComfyJobBook();
  const socket = createComfySocket({ verify: options.trusted, greeting: (sid) => relay.greeting(sid) });
  const relay = new ComfyEventRelay(book, socket);
  const stopRelaying = engine.onEvent((event) => relay.handle(event));
  const objectInfo = async () => objectInfoWithInputs(await engine.request('nodeSchemas', {}), folders);

  const routes: Record<string, Route> = {
    'GET /prompt': async (_request, response) => sendJson(response, 200, relay.queueInfo()),
    'POST /prompt': (request, response) => postPrompt(request, response),
    'GET /queue': async (_request, response) => sendJson(response, 200, await queueListing()),
    'POST /queue': (request, response) => postQueue(request, response),
    'POST /interrupt': (request, response) => interrupt(request, response),
    'GET /history': async (_request, response, url) => {
      const maxItems = url.searchParams.get('max_items');
      sendJson(response, 200, book.history(maxItems === null || !Number.isInteger(Number(maxItems)) ? undefined : Number(maxItems)));
    },
    'GET /history/': async (_request, response, _url, id) => sendJson(response, 200, book.historyOf(id)),
    'POST /history': (request, response) => postHistory(request, response),
    'GET /view': (_request, response, url) => serveFolderFile(response, folders, url.searchParams),
    'POST /upload/image': (request, response) => uploadImage(request, response, folders),
    'GET /object_info': async (_request, response) => sendJson(response, 200, await objectInfo()),
    'GET /object_info/': async (_request, response, _url, type) => {
      const info = (await objectInfo())[type];
      sendJson(response, 200, info ? { [type]: info } : {});
    },
    'GET /system_stats': async (_request, response) => sendJson(response, 200, systemStats()),
    'GET /embeddings': async (_request, response) => sendJson(response, 200, []),
    'GET /models': async (_request, response) => sendJson(response, 200, modelFolders()),
    'GET /models/': async (_request, response, _url, folder) => {
      const files = modelFolderFiles(await engine.request('nodeSchemas', {}), folder);
      return files ? sendJson(response, 200, files) : sendStatus(response, 404);
    },
  };

  async function postPrompt(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    const json = (body.ok && typeof body.value === 'object' && body.value !== null ? body.value : {}) as Record<string, unknown>;
    if (!body.ok || !('prompt' in json)) {
      const message = body.ok ? 'No prompt provided' : body.error;
      return sendJson(response, 400, { error: { type: 'no_prompt', message, details: message, extra_info: {} }, node_errors: {} });
    }
    const number = book.numberFor(json);
    const extraData = { ...(isRecord(json.extra_data) ? json.extra_data : {}), ...(typeof json.client_id === 'string' ? { client_id: json.client_id } : {}) };
    const client = prepareClientPrompt(json.prompt, folders);
    const result = await engine.request('enqueue', { workflow: client.forEngine, options: { outputDir: folders.outputDir }, overrides: [] });
    const info = await objectInfo();
    const outputNodes = outputNodeIds(json.prompt, info);
    if (!result.ok) return sendJson(response, 400, comfyRejection(result.issues, { prompt: json.prompt, client, outputNodes, objectInfo: info }));
    relay.claim(comfyJob({ promptId: result.jobId, number, prompt: json.prompt, extraData, outputsToExecute: outputNodes, clientId: typeof json.client_id === 'string' ? json.client_id : null }, client));
    return sendJson(response, 200, { prompt_id: result.jobId, number, node_errors: {} });
  }

  async function queueListing(): Promise<{ queue_running: unknown[]; queue_pending: unknown[] }> {
    const { running, pending } = await engine.request('queue', {});
    const item = (jobId: string) => {
      const job = book.get(jobId);
      return job ? ComfyJobBook.queueItem(job) : [0, jobId, {}, {}, []];
    };
    return { queue_running: running ? [item(running.jobId)] : [], queue_pending: pending.map((job) => item(job.jobId)) };
  }

  /** {clear: true} empties the pending queue, {delete: [ids]} removes those; the running prompt stays (ComfyUI's /interrupt stops it). */
  async function postQueue(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    const json = body.ok && isRecord(body.value) ? body.value : {};
    const { pending } = await engine.request('queue', {});
    const pendingIds = new Set(pending.map((job) => job.jobId));
    const doomed = json.clear === true ? [...pendingIds] : [];
    if (Array.isArray(json.delete)) doomed.push(...json.delete.filter((id): id is string => typeof id === 'string' && pendingIds.has(id)));
    for (const jobId of new Set(doomed)) await engine.request('cancel', { jobId });
    sendStatus(response, 200);
  }

  /** Stops the running prompt; with {prompt_id}, only when that prompt is the one running. */
  async function interrupt(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    const only = body.ok && isRecord(body.value) && typeof body.value.prompt_id === 'string' ? body.value.prompt_id : undefined;
    const { running } = await engine.request('queue', {});
    if (running && (only === undefined || only === running.jobId)) await engine.request('cancel', { jobId: running.jobId });
    sendStatus(response, 200);
  }

  async function postHistory(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request);
    const json = body.ok && isRecord(body.value) ? body.value : {};
    if (json.clear === true) book.clearHistory();
    if (Array.isArray(json.delete)) for (const id of json.delete) if (typeof id === 'string') book.deleteHistory(id);
    sendStatus(response, 200);
  }

  return {
    socket,
    async handle(request, response, url) {
      const pathname = url.pathname.startsWith('/api/') ? url.pathname.slice('/api'.length) : url.pathname;
      const exact = routes[`${request.method} ${pathname}`];
      const slash = pathname.indexOf('/', 1);
      const withParameter = slash > 0 ? routes[`${request.method} ${pathname.slice(0, slash + 1)}`] : undefined;
      const route = exact ?? withParameter;
      if (!route) return false;
      await route(request, response, url, exact ? '' : decodeURIComponent(pathname.slice(slash + 1)));
      return true;
    },
    adoptJob(jobId) {
      relay.claim(comfyJob({ promptId: jobId, number: book.numberFor({}), prompt: {}, extraData: {}, outputsToExecute: [], clientId: null }, prepareClientPrompt(null, folders)));
    },
    async close() {
      stopRelaying();
      await socket.close();
    },
  };
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
