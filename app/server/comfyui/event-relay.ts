/**
 * Engine events → ComfyUI's WebSocket messages and history, in ComfyUI's order and to the clients
 * ComfyUI sends them to (execution.py, main.py `prompt_worker`):
 * - `status` {exec_info.queue_remaining} to everyone whenever the queue changes;
 * - `executing` and `progress` (with binary previews) to the submitting client, or to everyone when
 *   the prompt named none;
 * - `execution_start`, `execution_cached`, `executed`, `execution_success`, `execution_error` and the
 *   closing `executing` {node: null} only to the submitting client (nobody when it named none);
 * - `execution_interrupted` to the submitting client, or to everyone.
 * A job's first events can arrive before its enqueue reply tells who submitted it, so a job's events
 * wait until the server claims it with its ComfyUI record.
 */
import type { EngineEvent, NodeFailure } from '../../protocol/index.js';
import type { ComfyMessage, ComfySocket } from './comfy-socket.js';
import { ComfyJobBook, type ComfyJob, type ComfyStatusMessage } from './job-book.js';

interface JobState {
  job: ComfyJob | null;
  waiting: EngineEvent[];
  started: boolean;
  executed: string[];
  current: string | null;
  outputs: Record<string, unknown>;
  messages: ComfyStatusMessage[];
}

export class ComfyEventRelay {
  readonly #states = new Map<string, JobState>();
  /** Jobs queued and not yet finished: ComfyUI's queue_remaining (pending + running). */
  readonly #remaining = new Set<string>();

  constructor(
    private readonly book: ComfyJobBook,
    private readonly socket: ComfySocket,
  ) {}

  queueInfo(): { exec_info: { queue_remaining: number } } {
    return { exec_info: { queue_remaining: this.#remaining.size } };
  }

  /** server.py on connect: the queue's status with the session id, and a reconnecting client's running node. */
  greeting(sid: string): ComfyMessage[] {
    const running = [...this.#states.values()].find((state) => state.job?.clientId === sid && state.current !== null);
    const status = { type: 'status', data: { status: this.queueInfo(), sid } };
    return running ? [status, { type: 'executing', data: { node: running.current, prompt_id: running.job!.promptId } }] : [status];
  }

  /** The server learnt who submitted `job` (its enqueue reply came back): deliver what waited. */
  claim(job: ComfyJob): void {
    const state = this.#state(job.promptId);
    state.job = job;
    this.book.add(job);
    for (const event of state.waiting.splice(0)) this.#relay(state, event);
  }

  handle(event: EngineEvent): void {
    if (event.type === 'queued') this.#remaining.add(event.jobId);
    const state = this.#state(event.jobId);
    if (state.job === null) state.waiting.push(event);
    else this.#relay(state, event);
  }

  #state(jobId: string): JobState {
    let state = this.#states.get(jobId);
    if (!state) {
      state = { job: null, waiting: [], started: false, executed: [], current: null, outputs: {}, messages: [] };
      this.#states.set(jobId, state);
    }
    return state;
  }

  #relay(state: JobState, event: EngineEvent): void {
    const job = state.job!;
    const prompt_id = job.promptId;
    const node = (id: string) => job.clientNodeId(id);
    const toClientOrAll = job.clientId;
    switch (event.type) {
      case 'queued':
        return this.#sendStatus();
      case 'started':
        state.started = true;
        this.#sendStatus();
        return this.#addMessage(state, 'execution_start', { prompt_id }, false);
      case 'cached':
        state.executed.push(...event.nodes.map(node));
        return this.#addMessage(state, 'execution_cached', { nodes: event.nodes.map(node), prompt_id }, false);
      case 'executing':
        if (state.current !== null) state.executed.push(state.current);
        state.current = node(event.nodeId);
        return this.socket.send('executing', { node: state.current, display_node: state.current, prompt_id }, toClientOrAll);
      case 'progress':
        this.socket.send('progress', { value: event.value, max: event.max, prompt_id, node: node(event.nodeId) }, toClientOrAll);
        if (event.preview) this.socket.sendPreviewPng(Buffer.from(event.preview.pngBase64, 'base64'), toClientOrAll);
        return;
      case 'output': {
        const id = node(event.nodeId);
        state.outputs[id] = event.ui;
        if (job.clientId !== null) this.socket.send('executed', { node: id, display_node: id, output: event.ui, prompt_id }, job.clientId);
        return;
      }
      case 'done':
        this.#addMessage(state, 'execution_success', { prompt_id }, false);
        return this.#finish(state, 'success');
      case 'error':
        return this.#failed(state, event.failure);
      case 'cancelled':
        return state.started ? this.#interrupted(state) : this.#drop(state);
      default:
        return;
    }
  }

  #failed(state: JobState, failure: NodeFailure): void {
    const job = state.job!;
    const nodeId = job.clientNodeId(failure.nodeId);
    this.#addMessage(state, 'execution_error', {
      prompt_id: job.promptId,
      node_id: nodeId,
      node_type: job.classTypeOf(nodeId) || failure.nodeType,
      executed: [...state.executed],
      exception_message: failure.hint ? `${failure.message}\n${failure.hint}` : failure.message,
      exception_type: 'Error',
      traceback: failure.cause ? failure.cause.split('\n') : [],
      current_inputs: {},
      current_outputs: [...state.executed],
    }, false);
    this.#finish(state, 'error');
  }

  /** ComfyUI reports an interrupted prompt to its client, or to everyone when it named none. */
  #interrupted(state: JobState): void {
    const job = state.job!;
    this.#addMessage(state, 'execution_interrupted', {
      prompt_id: job.promptId,
      node_id: state.current,
      node_type: state.current === null ? null : job.classTypeOf(state.current),
      executed: [...state.executed],
    }, true);
    this.#finish(state, 'error');
  }

  /** execution.py `add_message`: kept for the history, sent to the client (or everyone when `broadcast`). */
  #addMessage(state: JobState, type: string, data: Record<string, unknown>, broadcast: boolean): void {
    const stamped = { ...data, timestamp: Date.now() };
    state.messages.push([type, stamped]);
    const clientId = state.job!.clientId;
    if (clientId !== null || broadcast) this.socket.send(type, stamped, clientId);
  }

  /** History first, then the queue's status, then `executing` {node: null}: a client reading the history on that message finds it. */
  #finish(state: JobState, status: 'success' | 'error'): void {
    const job = state.job!;
    const meta = Object.fromEntries(Object.keys(state.outputs).map((id) => [id, { node_id: id, display_node: id, parent_node: null, real_node_id: id }]));
    this.book.finish(job.promptId, {
      prompt: ComfyJobBook.queueItem(job),
      outputs: state.outputs,
      status: { status_str: status, completed: status === 'success', messages: state.messages },
      meta,
    });
    this.#forget(job.promptId);
    if (job.clientId !== null) this.socket.send('executing', { node: null, prompt_id: job.promptId }, job.clientId);
  }

  #drop(state: JobState): void {
    this.book.finish(state.job!.promptId, null);
    this.#forget(state.job!.promptId);
  }

  #forget(promptId: string): void {
    this.#states.delete(promptId);
    this.#remaining.delete(promptId);
    this.#sendStatus();
  }

  #sendStatus(): void {
    this.socket.send('status', { status: this.queueInfo() }, null);
  }
}
