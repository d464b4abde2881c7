/**
 * One row per node of a job — cached, waiting, running with its steps and ETA, done with its time,
 * failed — as the progress panel shows the running job and a finished queue card its details.
 */
import type { JobRun, NodeRun, RunTracker } from '../run/run-tracker.js';
import { element } from './element.js';

export function nodeRunRows(job: JobRun, tracker: RunTracker, titleOf: (nodeId: string) => string): HTMLElement[] {
  return [...job.nodes.values()].map((node) =>
    element(
      'li',
      { class: `node-run status-${node.status}`, 'data-node-id': node.nodeId, 'data-status': node.status, 'data-testid': 'node-run' },
      element('span', { class: 'node-title' }, titleOf(node.nodeId)),
      element('span', { class: 'node-status' }, nodeStatusText(node, tracker.nodeEtaSeconds(node))),
    ),
  );
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

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 60) return ` · ETA ${Math.ceil(seconds)}s`;
  return ` · ETA ${Math.floor(seconds / 60)}m ${Math.ceil(seconds % 60)}s`;
}
