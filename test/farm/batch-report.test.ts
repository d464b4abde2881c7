import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOutcome, throughputLines, type JobOutcome } from '../../app/farm/batch-report.js';

const done = (name: string, worker: string, files: number, durationMs: number): JobOutcome => ({
  name, result: { worker, device: 'cpu', files: Array.from({ length: files }, (_, k) => `${name}_${k}.png`), skipped: false, durationMs },
});

test('per-worker tallies: done and failed jobs, images per minute of the batch\'s time; outputs already there count for no one', () => {
  const outcomes: JobOutcome[] = [
    done('j0', 'a', 2, 3000),
    done('j1', 'b', 1, 6000),
    { name: 'j2', failure: 'node 5 (Sampler), field "steps": too small', worker: 'a' },
    done('j3', 'a', 1, 9000),
    { name: 'j4', result: { worker: 'c', files: ['j4.png'], skipped: true, durationMs: 1 } },
  ];
  // 30 s of batch: a rendered 3 images (6.0/min) in 2 jobs (4.0/min), mean 6 s; b 1 image in 1 job (2.0/min).
  assert.deepEqual(throughputLines({ outcomes, wallMs: 30_000 }), [
    'a: 2 jobs, 1 failed, 4.0 jobs/min, 6.0 images/min, 6.00 s/job',
    'b: 1 job, 0 failed, 2.0 jobs/min, 2.0 images/min, 6.00 s/job',
  ]);
  assert.equal(describeOutcome(outcomes.slice(0, 3), 5, 60_000), '[3/5] j2 failed on a: node 5 (Sampler), field "steps": too small (a: 1 done, 1 failed, 2.0 images/min)');
  assert.equal(describeOutcome(outcomes.slice(0, 2), 5, 60_000), '[2/5] j1 done on b [cpu] in 6.00 s: j1_0.png (b: 1 done, 0 failed, 1.0 images/min)');
  assert.equal(describeOutcome(outcomes, 5, 60_000), '[5/5] j4 already done: j4.png');
});
