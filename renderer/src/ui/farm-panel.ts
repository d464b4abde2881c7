/**
 * The batch the editor sent to the farm, as it goes: a summary line, each worker's done and failed
 * counts and throughput, and each job's combination, state, progress and worker — its failure
 * (with a button to the node it names) or, once done, its outputs as thumbnails linking the files.
 */
import type { FarmBatchView, FarmJobView, FarmWorkerView } from '../../../app/protocol/farm.js';
import { button, element, setChildren } from './element.js';

export interface FarmPanelActions {
  fileUrl(batchId: string, name: string): string;
  focusNode(nodeId: number): void;
  /** A node's title on the canvas, to say what a job sets. */
  titleOf(nodeId: string): string;
}

export class FarmPanel {
  readonly #root = element('section', { class: 'panel farm-panel', 'data-testid': 'farm-panel', hidden: true });
  readonly #summary = element('p', { class: 'farm-summary', 'data-testid': 'farm-summary' });
  readonly #connection = element('p', { class: 'farm-connection', role: 'status', 'data-testid': 'farm-connection' });
  readonly #workers = element('table', { class: 'farm-workers', 'data-testid': 'farm-workers' });
  readonly #jobs = element('ol', { class: 'farm-jobs', 'data-testid': 'farm-jobs' });
  /** Finished jobs' entries, kept so their thumbnails are not reloaded at every event. */
  readonly #finished = new Map<string, HTMLElement>();

  constructor(
    parent: HTMLElement,
    private readonly actions: FarmPanelActions,
  ) {
    this.#root.append(element('h2', {}, 'Render farm'), this.#summary, this.#connection, this.#workers, this.#jobs);
    parent.prepend(this.#root);
  }

  render(view: FarmBatchView): void {
    this.#root.hidden = false;
    const count = (state: FarmJobView['state']) => view.jobs.filter((job) => job.state === state).length;
    this.#summary.textContent = `Batch ${view.batchId} on queue "${view.queue}": ${count('done')}/${view.jobs.length} done, ${count('failed')} failed, ${count('active')} rendering${view.finished ? ' — finished' : ''}. Outputs in ${view.outputDir}`;
    this.#root.dataset.finished = String(view.finished);
    this.setInterrupted(view.connectionProblem ?? null);
    this.#workers.replaceChildren(
      element('tr', {}, ...['Worker', 'Done', 'Failed', 'Jobs/min', 's/job'].map((heading) => element('th', {}, heading))),
      ...view.workers.map(workerRow),
    );
    setChildren(this.#jobs, view.jobs.map((job) => this.#entry(view.batchId, job)));
  }

  /** The event stream (or the server's Redis) is interrupted; null when it works again. */
  setInterrupted(problem: string | null): void {
    this.#connection.hidden = problem === null;
    this.#connection.textContent = problem ?? '';
  }

  #entry(batchId: string, job: FarmJobView): HTMLElement {
    const known = this.#finished.get(job.name);
    if (known) return known;
    const what = job.overrides.length ? job.overrides.map(({ nodeId, field, value }) => `${this.actions.titleOf(nodeId)} ${field} = ${JSON.stringify(value)}`).join(', ') : 'the workflow as it is';
    const state = job.state === 'active' ? `rendering ${Math.round(job.progress)}%` : job.state === 'done' && job.skipped ? 'done before' : job.state;
    const entry = element(
      'li',
      { class: `farm-job ${job.state}`, 'data-testid': 'farm-job', 'data-state': job.state, 'data-name': job.name },
      element('div', { class: 'farm-job-title' }, element('strong', {}, job.name), element('span', { class: 'farm-state' }, state), job.worker ? element('span', { class: 'muted' }, `on ${job.worker}`) : null),
      element('div', { class: 'farm-job-what muted' }, what, job.durationMs !== undefined && !job.skipped ? ` · ${(job.durationMs / 1000).toFixed(1)} s` : ''),
      job.state === 'active' ? element('progress', { max: 100, value: job.progress }) : null,
      job.failure ? this.#failure(job.failure) : null,
      job.waitingFor && job.state === 'waiting' ? element('div', { class: 'farm-waiting muted', 'data-testid': 'farm-waiting' }, `waiting: ${job.waitingFor}`) : null,
      job.files.length ? element('div', { class: 'farm-files' }, ...job.files.map((name) => this.#thumbnail(batchId, name))) : null,
    );
    if (job.state === 'done' || job.state === 'failed') this.#finished.set(job.name, entry);
    return entry;
  }

  #failure(failure: NonNullable<FarmJobView['failure']>): HTMLElement {
    const nodeId = failure.nodeId === undefined ? NaN : Number(failure.nodeId);
    return element(
      'div',
      { class: 'farm-failure', 'data-testid': 'farm-failure' },
      failure.message,
      Number.isInteger(nodeId) ? button(`Show node ${nodeId}${failure.field ? ` (${failure.field})` : ''}`, () => this.actions.focusNode(nodeId), { class: 'link' }) : null,
    );
  }

  #thumbnail(batchId: string, name: string): HTMLElement {
    const url = this.actions.fileUrl(batchId, name);
    return element('a', { href: url, target: '_blank', rel: 'noopener', title: name, 'data-testid': 'farm-output' }, element('img', { src: url, alt: name, loading: 'lazy' }));
  }
}

function workerRow(worker: FarmWorkerView): HTMLElement {
  return element(
    'tr',
    { 'data-testid': 'farm-worker', 'data-worker': worker.worker },
    element('td', {}, worker.worker),
    element('td', {}, String(worker.done)),
    element('td', {}, String(worker.failed)),
    element('td', {}, worker.jobsPerMinute.toFixed(1)),
    element('td', {}, worker.secondsPerJob === undefined ? '–' : worker.secondsPerJob.toFixed(2)),
  );
}
