/**
 * EngineClient's restart policy, with the transport replaced at its interface (EngineProcess) by
 * processes that die on command: real engine processes take seconds to start, and these cases need
 * several in a row. The real process is killed in engine-restart.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EngineClient } from '../../app/engine/engine-client.js';
import type { EngineExit, EngineProcess } from '../../app/engine/engine-process.js';
import type { HostMessage } from '../../app/protocol/index.js';

/** Answers `queue` like an idle engine; `die()` ends it as a signal would. */
class DisposableEngine implements EngineProcess {
  static started: DisposableEngine[] = [];
  readonly pid = 1000 + DisposableEngine.started.length;
  #onMessage: (raw: unknown) => void = () => undefined;
  #onExit: Array<(exit: EngineExit) => void> = [];
  #exit: EngineExit | null = null;

  constructor(readonly startsOk: boolean) {
    DisposableEngine.started.push(this);
    setImmediate(() => (startsOk ? this.#onMessage({ kind: 'ready' }) : this.die('SIGSEGV')));
  }
  send(message: HostMessage): void {
    setImmediate(() => this.#onMessage({ kind: 'reply', requestId: message.requestId, result: { running: null, pending: [] } }));
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.#onMessage = listener;
  }
  onExit(listener: (exit: EngineExit) => void): void {
    if (this.#exit) listener(this.#exit);
    else this.#onExit.push(listener);
  }
  stop(): void {
    this.die('SIGTERM');
  }
  die(signal: string): void {
    if (this.#exit) return;
    this.#exit = { code: null, signal };
    for (const listener of this.#onExit) listener(this.#exit);
  }
}

const latest = () => DisposableEngine.started.at(-1)!;

describe('the engine supervisor', () => {
  test('restarts a process that dies, up to five times a minute; the sixth stop is final', async () => {
    DisposableEngine.started = [];
    const engine = await EngineClient.start({}, { launch: () => new DisposableEngine(true) });
    for (let stop = 1; stop <= 5; stop++) {
      latest().die('SIGKILL');
      assert.deepEqual(await engine.request('queue', {}), { running: null, pending: [] }, `after stop ${stop}`);
    }
    assert.equal(DisposableEngine.started.length, 6);
    latest().die('SIGKILL');
    await assert.rejects(engine.request('queue', {}), { message: 'the engine process stopped (signal SIGKILL), 6 times within a minute, so it was not restarted' });
    assert.equal(DisposableEngine.started.length, 6);
    await engine.close();
  });

  test('a replacement that dies while starting ends the restarts, with both reasons', async () => {
    DisposableEngine.started = [];
    const engine = await EngineClient.start({}, { launch: () => new DisposableEngine(DisposableEngine.started.length === 0) });
    latest().die('SIGKILL');
    await assert.rejects(engine.request('queue', {}), {
      message: 'the engine process stopped (signal SIGKILL) and could not be restarted: the engine process stopped (signal SIGSEGV) while starting',
    });
    await engine.close();
  });
});
