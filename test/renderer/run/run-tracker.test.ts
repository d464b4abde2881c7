import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type EngineEvent, type Workflow } from '../../../app/protocol/index.js';
import { RunTracker } from '../../../renderer/src/run/run-tracker.js';

/** Replays events at given times (ms) on a tracker whose clock the test controls. */
function replay(timeline: Array<[number, EngineEvent]>): { tracker: RunTracker; at(ms: number): void } {
  let now = 0;
  const tracker = new RunTracker(() => now);
  for (const [time, event] of timeline) {
    now = time;
    tracker.apply(event);
  }
  return { tracker, at: (ms) => (now = ms) };
}

const job = 'job-1';

describe('run tracker', () => {
  test('statuses per node: cached first, then waiting → running → done in engine order', () => {
    const { tracker } = replay([
      [0, { type: 'queued', jobId: job, position: 0 }],
      [10, { type: 'started', jobId: job, nodes: ['5', '6'] }],
      [10, { type: 'cached', jobId: job, nodes: ['1', '2'] }],
      [20, { type: 'executing', jobId: job, nodeId: '5', nodeType: 'Sampler' }],
    ]);
    const run = tracker.job(job)!;
    assert.equal(run.status, 'running');
    assert.deepEqual([...run.nodes.values()].map((node) => [node.nodeId, node.status]), [['1', 'cached'], ['2', 'cached'], ['5', 'running'], ['6', 'waiting']]);
  });

  test('steps give the running node an ETA from its own step rate, ignoring set-up time', () => {
    const { tracker, at } = replay([
      [0, { type: 'started', jobId: job, nodes: ['4', '5', '6'] }],
      [0, { type: 'cached', jobId: job, nodes: [] }],
      [0, { type: 'executing', jobId: job, nodeId: '4', nodeType: 'EmptyLatentImage' }],
      [1000, { type: 'executing', jobId: job, nodeId: '5', nodeType: 'Sampler' }],
      // 3 s of model loading before the first step, then 0.5 s per step.
      [4000, { type: 'progress', jobId: job, nodeId: '5', value: 1, max: 11 }],
      [6000, { type: 'progress', jobId: job, nodeId: '5', value: 5, max: 11 }],
    ]);
    const sampler = tracker.job(job)!.nodes.get('5')!;
    assert.equal(tracker.nodeEtaSeconds(sampler), 3); // 6 steps left × 0.5 s
    const progress = tracker.progress(job);
    // The waiting node is estimated at the mean time of finished nodes (node 4: 1 s).
    assert.equal(progress.etaSeconds, 3 + 1);
    // Weighted by time: 6 s spent, 4 s left.
    assert.ok(Math.abs(progress.fraction - 6 / (6 + 4)) < 1e-12);
    at(6000);
    assert.equal(tracker.nodeEtaSeconds({ nodeId: 'x', status: 'running', value: 1, max: 5, firstStepAt: 6000, firstStepValue: 1 }), null);
  });

  test('overall progress follows a long sampler\'s steps, not the count of nodes (step 119/500 ≈ 24 %)', () => {
    const { tracker } = replay([
      [0, { type: 'started', jobId: job, nodes: ['2', '5', '6', '7'] }],
      [0, { type: 'cached', jobId: job, nodes: [] }],
      [0, { type: 'executing', jobId: job, nodeId: '2', nodeType: 'TextEncode' }],
      [100, { type: 'executing', jobId: job, nodeId: '5', nodeType: 'Sampler' }],
      [100, { type: 'progress', jobId: job, nodeId: '5', value: 1, max: 500 }],
      // 100 ms per step.
      [11_900, { type: 'progress', jobId: job, nodeId: '5', value: 119, max: 500 }],
    ]);
    const { fraction, etaSeconds } = tracker.progress(job);
    // Left: 381 steps × 0.1 s, then two nodes at the encoder's 0.1 s each; spent: 11.9 s.
    assert.ok(Math.abs(etaSeconds! - (38.1 + 0.2)) < 1e-9);
    assert.ok(Math.abs(fraction - 11.9 / (11.9 + 38.3)) < 1e-9);
    assert.ok(fraction > 0.23 && fraction < 0.25, `${fraction}`);
  });

  test('a job from the engine\'s history is listed as finished with its nodes\' final statuses', () => {
    const tracker = new RunTracker(() => 0);
    const entry = { jobId: 'old', label: 'default', status: 'error' as const, queuedAt: 1, startedAt: 2, finishedAt: 9, prompt: {}, executed: ['5', '6'], cached: ['1'], outputs: {}, failure: { nodeId: '6', nodeType: 'VAEDecode', message: 'boom' }, workflow: emptyWorkflow() };
    const run = tracker.restore(entry);
    assert.equal(run.status, 'failed');
    assert.deepEqual([...run.nodes.values()].map((node) => [node.nodeId, node.status]), [['1', 'cached'], ['5', 'done'], ['6', 'failed']]);
    assert.equal(run.finishedAt, 9);
    assert.equal(tracker.restore({ ...entry, status: 'success' }), run, 'a job already known stays as it is');
  });

  test('done finishes the last node; error marks the failing one; cancelled and invalid end the job', () => {
    const { tracker } = replay([
      [0, { type: 'started', jobId: 'a', nodes: ['1'] }],
      [0, { type: 'executing', jobId: 'a', nodeId: '1', nodeType: 'SaveText' }],
      [500, { type: 'output', jobId: 'a', nodeId: '1', ui: { text: ['hi'] } }],
      [500, { type: 'done', jobId: 'a', durationMs: 500 }],
      [600, { type: 'started', jobId: 'b', nodes: ['1', '2'] }],
      [600, { type: 'executing', jobId: 'b', nodeId: '2', nodeType: 'Sampler' }],
      [700, { type: 'error', jobId: 'b', failure: { nodeId: '2', nodeType: 'Sampler', message: 'boom', field: 'positive' } }],
      [800, { type: 'cancelled', jobId: 'c' }],
      [900, { type: 'invalid', jobId: 'd', issues: [{ code: 'missing_input', message: 'x', nodeId: '3' }] }],
    ]);
    const a = tracker.job('a')!;
    assert.equal(a.status, 'done');
    assert.equal(a.nodes.get('1')!.status, 'done');
    assert.deepEqual(tracker.progress('a'), { fraction: 1, etaSeconds: 0 });
    const b = tracker.job('b')!;
    assert.equal(b.status, 'failed');
    assert.equal(b.nodes.get('2')!.status, 'failed');
    assert.equal(b.failure?.field, 'positive');
    assert.equal(tracker.job('c')!.status, 'cancelled');
    assert.equal(tracker.job('d')!.issues?.[0]?.nodeId, '3');
  });

  test('a label given when queueing sticks even when the engine\'s events arrived first', () => {
    const { tracker } = replay([[0, { type: 'queued', jobId: job, position: 2 }]]);
    tracker.expect(job, 'portrait.json', 2);
    assert.equal(tracker.job(job)!.label, 'portrait.json');
    assert.equal(tracker.job(job)!.position, 2);
  });
});

function emptyWorkflow(): Workflow {
  return { format: WORKFLOW_FORMAT, version: WORKFLOW_VERSION, last_node_id: 0, last_link_id: 0, nodes: [], links: [], groups: [], extra: {} };
}
