/**
 * The queue sidebar (ComfyUI's Queue tab), the one place the queue is listed: the running job with
 * its progress and live preview, the waiting jobs in the engine's order (each removable), and the
 * finished jobs newest first, each with a thumbnail of its first image, its status and run time,
 * what failed, and its nodes' statuses and times folded under "Nodes". Cards are made once per job
 * and state, so a button stays the same element while progress events re-render the list.
 */
import type { GalleryImage } from '../controllers/run-controller.js';
import type { JobRun, RunTracker } from '../run/run-tracker.js';
import { button, element, setChildren } from './element.js';
import { nodeRunRows } from './node-run-rows.js';

const FINISHED_SHOWN = 50;

export interface QueueSidebarSources {
  tracker: RunTracker;
  gallery: readonly GalleryImage[];
  pendingOrder: () => readonly string[];
  titleOf(nodeId: string): string;
  cancel(jobId: string): void;
  /** Opens the workflow a job ran (the engine's history keeps it) in a new tab. */
  open(jobId: string): void;
}

export class QueueSidebar {
  readonly root = element('section', { class: 'queue-sidebar', 'data-testid': 'queue-sidebar' });
  readonly #cards = new Map<string, HTMLElement>();

  constructor(private readonly sources: QueueSidebarSources) {}

  render(): void {
    const { tracker } = this.sources;
    const jobs = tracker.jobs;
    const running = jobs.filter((job) => job.status === 'running');
    const order = this.sources.pendingOrder();
    const rank = (job: JobRun) => (order.includes(job.jobId) ? order.indexOf(job.jobId) : order.length + job.position);
    const pending = jobs.filter((job) => job.status === 'queued').sort((a, b) => rank(a) - rank(b));
    const finished = jobs
      .filter((job) => job.status !== 'running' && job.status !== 'queued')
      .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
      .slice(0, FINISHED_SHOWN);
    const cards = [...running.map((job) => this.#running(job)), ...pending.map((job, index) => this.#pending(job, index + 1)), ...finished.map((job) => this.#finished(job))];
    setChildren(this.root, cards.length > 0 ? cards : [element('p', { class: 'muted' }, 'No jobs yet. Queue with Ctrl+Enter.')]);
    const shown = new Set(cards);
    for (const [key, card] of this.#cards) if (!shown.has(card)) this.#cards.delete(key);
  }

  #card(key: string, make: () => HTMLElement): HTMLElement {
    let card = this.#cards.get(key);
    if (!card) this.#cards.set(key, (card = make()));
    return card;
  }

  #running(job: JobRun): HTMLElement {
    const card = this.#card(`running:${job.jobId}`, () =>
      element('div', { class: 'queue-card running', 'data-job-id': job.jobId, 'data-status': 'running', 'data-testid': 'queue-card' }, element('img', { class: 'queue-thumb', alt: '' }), element('div', { class: 'queue-card-text' }, element('strong', {}), element('span', { class: 'queue-card-state' }))),
    );
    const percent = Math.round(this.sources.tracker.progress(job.jobId).fraction * 100);
    showText(card, job.label ?? 'job', `running · ${percent}%`);
    const thumb = card.querySelector('img')!;
    const src = job.preview ? `data:image/png;base64,${job.preview.pngBase64}` : '';
    if (thumb.getAttribute('src') !== src && src) thumb.src = src;
    return card;
  }

  #pending(job: JobRun, place: number): HTMLElement {
    const card = this.#card(`pending:${job.jobId}`, () =>
      element(
        'div',
        { class: 'queue-card pending', 'data-job-id': job.jobId, 'data-status': 'queued', 'data-testid': 'queue-card' },
        element('div', { class: 'queue-thumb placeholder' }),
        element('div', { class: 'queue-card-text' }, element('strong', {}), element('span', { class: 'queue-card-state' })),
        button('✕', () => this.sources.cancel(job.jobId), { title: 'Remove from the queue', 'data-testid': 'queue-card-remove' }),
      ),
    );
    showText(card, job.label ?? 'job', `waiting · #${place}`);
    card.dataset.place = String(place);
    return card;
  }

  #finished(job: JobRun): HTMLElement {
    const image = this.sources.gallery.find((candidate) => candidate.jobId === job.jobId);
    // Re-made once its image is known: the output event may arrive after the job is listed.
    return this.#card(`finished:${job.jobId}:${image?.url ?? ''}`, () => {
      const seconds = job.startedAt !== undefined && job.finishedAt !== undefined ? ` · ${((job.finishedAt - job.startedAt) / 1000).toFixed(1)}s` : '';
      const thumb = image ? element('a', { href: image.url, target: '_blank', rel: 'noopener', title: image.filename }, element('img', { class: 'queue-thumb', src: image.url, alt: image.filename, loading: 'lazy', 'data-testid': 'queue-thumb' })) : element('div', { class: 'queue-thumb placeholder' });
      // A job removed from the queue before it started never ran, so the history has no workflow for it.
      const open = job.startedAt !== undefined ? button('Open', () => this.sources.open(job.jobId), { title: 'Open the workflow this job ran in a new tab', 'data-testid': 'queue-card-open' }) : null;
      const text = element('div', { class: 'queue-card-text' }, element('strong', {}, job.label ?? 'job'), element('span', { class: 'queue-card-state' }, `${job.status}${seconds}`), ...this.#details(job));
      return element('div', { class: `queue-card finished status-${job.status}`, 'data-job-id': job.jobId, 'data-status': job.status, 'data-testid': 'queue-card' }, thumb, text, open);
    });
  }

  /** What went wrong, and each node's status and time (folded). */
  #details(job: JobRun): HTMLElement[] {
    const { tracker, titleOf } = this.sources;
    return [
      ...(job.failure ? [element('p', { class: 'job-failure' }, `${titleOf(job.failure.nodeId)}: ${job.failure.message}`)] : []),
      ...(job.issues ? [element('p', { class: 'job-failure' }, `${job.issues.length} problem${job.issues.length === 1 ? '' : 's'} found before it ran`)] : []),
      element('details', { class: 'queue-card-nodes', 'data-testid': 'finished-job', 'data-status': job.status }, element('summary', {}, 'Nodes'), element('ul', { class: 'node-runs' }, ...nodeRunRows(job, tracker, titleOf))),
    ];
  }
}

/** A waiting job's label can arrive after its first event (the enqueue reply comes second), so it is set on every render. */
function showText(card: HTMLElement, label: string, state: string): void {
  const [title, status] = [card.querySelector('strong')!, card.querySelector('.queue-card-state')!];
  if (title.textContent !== label) title.textContent = label;
  if (status.textContent !== state) status.textContent = state;
}
