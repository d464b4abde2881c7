/**
 * PreloadFarm's ordering between main's answer to farm:follow and farm:batch pushes, which the
 * end-to-end test (test/electron/farm-bridge.test.ts) cannot time: the preload is a hand-driven
 * stand-in at exactly the window.scalecrafter boundary.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FarmBatchView } from '../../../app/protocol/farm.js';
import { PreloadFarm } from '../../../renderer/src/farm/preload-farm.js';

function view(batchId: string, submittedAt: number): FarmBatchView {
  return { batchId, outputDir: '/farm', queue: 'q', submittedAt, jobs: [], workers: [], finished: false };
}

/** A preload whose farm:follow answer the test releases, and whose pushes it sends. */
function drivenPreload() {
  let answer!: (raw: unknown) => void;
  const listeners = new Set<(raw: unknown) => void>();
  return {
    answer: (raw: unknown) => answer(raw),
    push: (raw: unknown) => listeners.forEach((listener) => listener(raw)),
    preload: {
      farmSubmit: () => Promise.reject(new Error('not used')),
      farmFollow: () => new Promise<unknown>((resolve) => (answer = resolve)),
      onFarmBatch: (listener: (raw: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("main's answer is shown unless a newer push came first; other batches' pushes are ignored", async () => {
  for (const pushFirst of [false, true]) {
    const driven = drivenPreload();
    const seen: number[] = [];
    new PreloadFarm(driven.preload, new URL('app://scalecrafter/')).follow('b1', (shown) => seen.push(shown.submittedAt), () => assert.fail('not lost'));
    driven.push(view('b2', 99));
    if (pushFirst) driven.push(view('b1', 2));
    driven.answer(view('b1', 1));
    await settle();
    assert.deepEqual(seen, pushFirst ? [2] : [1]);
  }
});

test('after stop, neither the answer nor pushes reach the page; an unknown batch or a bad answer is lost for good', async () => {
  const driven = drivenPreload();
  const farm = new PreloadFarm(driven.preload, new URL('app://scalecrafter/'));
  const stop = farm.follow('b1', () => assert.fail('stopped'), () => assert.fail('stopped'));
  stop();
  driven.push(view('b1', 2));
  driven.answer(view('b1', 1));
  await settle();

  for (const answer of [null, { batchId: 'b1' }]) {
    const lost: boolean[] = [];
    const next = drivenPreload();
    const error = console.error;
    console.error = () => undefined;
    try {
      new PreloadFarm(next.preload, new URL('app://scalecrafter/')).follow('b1', () => assert.fail('no view'), (gone) => lost.push(gone));
      next.answer(answer);
      await settle();
    } finally {
      console.error = error;
    }
    assert.deepEqual(lost, [true], JSON.stringify(answer));
  }
  assert.equal(farm.fileUrl('b1', 'a 1.png'), 'app://scalecrafter/api/farm/batches/b1/files/a%201.png');
});
