/**
 * The progress of the running job, beside the canvas: overall progress and ETA, each of its nodes
 * (cached, waiting, running with steps and ETA, done with its time, failed), the live step preview
 * and Cancel. The queue itself — waiting and finished jobs — lives in the queue side bar only
 * (ui/queue-sidebar.ts). Elements are made once per job and updated in place, so a Cancel button
 * stays the same element while the user clicks it.
 */
import type { JobRun, RunTracker } from '../run/run-tracker.js';
import { button, element, setChildren } from './element.js';
import { formatEta, nodeRunRows } from './node-run-rows.js';

interface RunningView {
  root: HTMLElement;
  progress: HTMLProgressElement;
  status: HTMLElement;
  nodes: HTMLElement;
  preview: HTMLImageElement;
}

export class RunPanel {
  readonly #root = element('section', { class: 'panel run-panel', 'data-testid': 'run-panel' });
  readonly #heading = element('h2', {}, 'Progress');
  readonly #idle = element('p', { class: 'muted' }, 'Nothing running. Queue with Ctrl+Enter; the queue is in the side bar (☰).');
  readonly #running = new Map<string, RunningView>();

  constructor(
    parent: HTMLElement,
    private readonly tracker: RunTracker,
    private readonly titleOf: (nodeId: string) => string,
    private readonly cancel: (jobId: string) => void,
  ) {
    parent.append(this.#root);
  }

  render(): void {
    const running = this.tracker.jobs.filter((job) => job.status === 'running');
    setChildren(this.#root, [this.#heading, ...(running.length === 0 ? [this.#idle] : running.map((job) => this.#runningView(job)))]);
    const ids = new Set(running.map((job) => job.jobId));
    for (const jobId of [...this.#running.keys()]) if (!ids.has(jobId)) this.#running.delete(jobId);
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
    view.nodes.replaceChildren(...nodeRunRows(job, this.tracker, this.titleOf));
    view.preview.hidden = !job.preview;
    const src = job.preview ? `data:image/png;base64,${job.preview.pngBase64}` : '';
    if (job.preview && view.preview.getAttribute('src') !== src) view.preview.src = src;
    return view.root;
  }
}
