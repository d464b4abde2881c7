/**
 * The queue view: the running job with overall progress and ETA, each of its nodes (cached,
 * waiting, running with steps and ETA, done with its time, failed), the live step preview, the
 * pending jobs (each cancellable), and the last finished jobs. Job elements are made once and then
 * updated in place, so a Cancel button stays the same element while the user clicks it.
 */
import type { JobRun, NodeRun, RunTracker } from '../run/run-tracker.js';
import { button, element, setChildren } from './element.js';

const FINISHED_SHOWN = 5;

interface RunningView {
  root: HTMLElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  nodes: HTMLElement;
  preview: HTMLImageElement;
}

export class RunPanel {
  readonly #root = element('section', { class: 'panel run-panel', 'data-testid': 'run-panel' });
  readonly #heading = element('h2', {}, 'Queue');
  readonly #idle = element('p', { class: 'muted' }, 'Nothing running. Queue with Ctrl+Enter.');
  readonly #pendingHeading = element('h3', {});
  readonly #finishedHeading = element('h3', {}, 'Finished');
  readonly #running = new Map<string, RunningView>();
  readonly #pending = new Map<string, HTMLElement>();
  readonly #finished = new Map<string, HTMLElement>();

  constructor(
    parent: HTMLElement,
    private readonly tracker: RunTracker,
    private readonly titleOf: (nodeId: string) => string,
    private readonly cancel: (jobId: string) => void,
  ) {
    parent.append(this.#root);
  }

  render(): void {
    const jobs = this.tracker.jobs;
    const running = jobs.filter((job) => job.status === 'running');
    const pending = jobs.filter((job) => job.status === 'queued');
    const finished = jobs.filter((job) => job.status !== 'running' && job.status !== 'queued').slice(-FINISHED_SHOWN).reverse();
    this.#pendingHeading.textContent = `Pending (${pending.length})`;
    const children: Array<HTMLElement | false> = [
      this.#heading,
      running.length === 0 && pending.length === 0 && this.#idle,
      ...running.map((job) => this.#runningView(job)),
      pending.length > 0 && this.#pendingHeading,
      ...pending.map((job) => this.#pendingView(job)),
      finished.length > 0 && this.#finishedHeading,
      ...finished.map((job) => this.#finishedView(job)),
    ];
    setChildren(this.#root, children.filter((child): child is HTMLElement => child !== false));
    keepOnly(this.#running, running);
    keepOnly(this.#pending, pending);
    keepOnly(this.#finished, finished);
  }

  #runningView(job: JobRun): HTMLElement {
    let view = this.#running.get(job.jobId);
    if (!view) {
      const progress = element('progress', { max: 100, value: 0, 'data-testid': 'overall-progress' });
      const status = element('div', { class: 'muted', 'data-testid': 'overall-status' });
      const nodes = element('ul', { class: 'node-runs' });
      const preview = element('img', { class: 'step-preview', alt: 'live preview of the current step', 'data-testid': 'step-preview' });
      const root = element(
        'div',
        { class: 'job running', 'data-job-id': job.jobId, 'data-testid': 'running-job' },
        element('div', { class: 'job-header' }, element('strong', {}, job.label ?? 'job'), button('Cancel', () => this.cancel(job.jobId), { 'data-testid': 'cancel-job' })),
        progress,
        status,
        nodes,
        preview,
      );
      view = { root, progress, status, nodes, preview };
      this.#running.set(job.jobId, view);
    }
    const progress = this.tracker.progress(job.jobId);
    const percent = Math.round(progress.fraction * 100);
    view.progress.value = percent;
    view.status.textContent = `${percent}%${formatEta(progress.etaSeconds)}`;
    view.nodes.replaceChildren(...this.#nodeRows(job));
    view.preview.hidden = !job.preview;
    const src = job.preview ? `data:image/png;base64,${job.preview.pngBase64}` : '';
    if (job.preview && view.preview.getAttribute('src') !== src) view.preview.src = src;
    return view.root;
  }

  #pendingView(job: JobRun): HTMLElement {
    let view = this.#pending.get(job.jobId);
    if (!view) {
      view = element('div', { class: 'job pending', 'data-job-id': job.jobId }, element('span', {}, job.label ?? job.jobId), button('✕', () => this.cancel(job.jobId), { title: 'Remove from the queue' }));
      this.#pending.set(job.jobId, view);
    }
    return view;
  }

  /** A finished job never changes, so its element (and whether it is expanded) is kept. */
  #finishedView(job: JobRun): HTMLElement {
    let view = this.#finished.get(job.jobId);
    if (!view) {
      const seconds = job.startedAt !== undefined && job.finishedAt !== undefined ? ` in ${((job.finishedAt - job.startedAt) / 1000).toFixed(1)}s` : '';
      view = element(
        'details',
        { class: `job finished status-${job.status}`, 'data-job-id': job.jobId, 'data-status': job.status, 'data-testid': 'finished-job' },
        element('summary', {}, `${job.label ?? 'job'} — ${job.status}${seconds}`),
        job.failure ? element('p', { class: 'job-failure' }, `${this.titleOf(job.failure.nodeId)}: ${job.failure.message}`) : null,
        job.issues ? element('p', { class: 'job-failure' }, `${job.issues.length} problem${job.issues.length === 1 ? '' : 's'} found before it ran`) : null,
        element('ul', { class: 'node-runs' }, ...this.#nodeRows(job)),
      );
      this.#finished.set(job.jobId, view);
    }
    return view;
  }

  #nodeRows(job: JobRun): HTMLElement[] {
    return [...job.nodes.values()].map((node) => this.#nodeRow(node));
  }

  #nodeRow(node: NodeRun): HTMLElement {
    return element(
      'li',
      { class: `node-run status-${node.status}`, 'data-node-id': node.nodeId, 'data-status': node.status, 'data-testid': 'node-run' },
      element('span', { class: 'node-title' }, this.titleOf(node.nodeId)),
      element('span', { class: 'node-status' }, nodeStatusText(node, this.tracker.nodeEtaSeconds(node))),
    );
  }
}

/** Drops the cached elements of jobs no longer shown in that section. */
function keepOnly(cache: Map<string, unknown>, shown: readonly JobRun[]): void {
  const ids = new Set(shown.map((job) => job.jobId));
  for (const jobId of [...cache.keys()]) if (!ids.has(jobId)) cache.delete(jobId);
}

function nodeStatusText(node: NodeRun, eta: number | null): string {
  switch (node.status) {
    case 'running':
      return node.value !== undefined && node.max !== undefined ? `step ${node.value}/${node.max}${formatEta(eta)}` : 'running';
    case 'done':
      return node.startedAt !== undefined && node.finishedAt !== undefined ? `done ${((node.finishedAt - node.startedAt) / 1000).toFixed(1)}s` : 'done';
    default:
      return node.status;
  }
}

function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return ` · ETA ${Math.ceil(seconds)}s`;
  return ` · ETA ${Math.floor(seconds / 60)}m ${Math.ceil(seconds % 60)}s`;
}
