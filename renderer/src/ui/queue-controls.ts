/**
 * Beside the toolbar's Queue button, as in ComfyUI: the batch count (how many copies Queue and
 * Ctrl+Enter queue) and Queue front (queue before the jobs already waiting).
 */
import { MAX_BATCH_COUNT } from '../controllers/batch-queue.js';
import { button, element } from './element.js';

export class QueueControls {
  readonly #count = element('input', { type: 'number', min: 1, max: MAX_BATCH_COUNT, step: 1, value: 1, class: 'batch-count', title: 'Batch count: how many times Queue queues the workflow', 'aria-label': 'Batch count', 'data-testid': 'batch-count' });

  constructor(queueButton: Element, queueFront: () => void) {
    queueButton.after(this.#count, button('Queue front', queueFront, { title: 'Queue before the jobs already waiting (Ctrl+Shift+Enter)', 'data-testid': 'queue-front' }));
  }

  get batchCount(): number {
    return Number(this.#count.value);
  }
}
