/** A real engine process for one describe(): started before its tests, closed after, every event recorded. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { EngineClient, type EngineClientOptions } from '../../app/engine/engine-client.js';
import type { EngineEvent } from '../../app/protocol/index.js';

export class EngineProcessSuite {
  engine!: EngineClient;
  readonly events: EngineEvent[] = [];
  readonly outputDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-engine-'));

  constructor(options: EngineClientOptions = {}) {
    before(async () => {
      this.engine = await EngineClient.start({}, options);
      this.engine.onEvent((event) => this.events.push(event));
    });
    after(() => this.engine.close());
  }

  /** Queues `workflow` (which must be valid) and returns its job id. */
  async enqueue(workflow: unknown): Promise<string> {
    const result = await this.engine.request('enqueue', { workflow, options: { outputDir: this.outputDir }, overrides: [] });
    assert.ok(result.ok, JSON.stringify(result));
    return result.jobId;
  }

  /** The next event that `matches`; ask before causing it, since events may precede a request's reply. */
  nextEvent(matches: (event: EngineEvent) => boolean): Promise<EngineEvent> {
    return new Promise((resolve) => {
      const dispose = this.engine.onEvent((event) => {
        if (!matches(event)) return;
        dispose();
        resolve(event);
      });
    });
  }
}
