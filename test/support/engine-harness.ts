/** An in-process engine (the same EngineService the worker runs) that records every event. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultEngineConfig, type EngineConfig } from '../../app/engine/engine-config.js';
import { EngineService } from '../../app/engine/engine-service.js';
import { modelScheduleTable } from '../../app/scalecrafter/schedule-table.js';
import type { NodeRegistry } from '../../app/engine/node-registry.js';
import type { EngineEvent, EnqueueResult, WidgetOverride } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';

export class EngineHarness {
  readonly registry: NodeRegistry;
  readonly events: EngineEvent[] = [];
  readonly service: EngineService;
  readonly outputDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-test-'));

  constructor(config: Partial<EngineConfig> = {}) {
    this.registry = createNodeRegistry({ ...defaultEngineConfig(), ...config });
    this.service = new EngineService(this.registry, (event) => this.events.push(event), modelScheduleTable);
  }

  enqueue(workflow: unknown, overrides: WidgetOverride[] = []): EnqueueResult {
    return this.service.handle('enqueue', { workflow, options: { outputDir: this.outputDir, executionProvider: 'cpu' }, overrides }) as EnqueueResult;
  }

  /** Queues the workflow, waits for the queue to drain, and returns that job's events. */
  async run(workflow: unknown): Promise<JobRecord> {
    const queued = this.enqueue(workflow);
    if (!queued.ok) throw new Error(`workflow rejected: ${JSON.stringify(queued.issues)}`);
    await this.service.whenIdle();
    return new JobRecord(this.events.filter((event) => event.jobId === queued.jobId));
  }
}

export class JobRecord {
  constructor(readonly events: EngineEvent[]) {}

  /** Nodes whose execute() ran, in order. */
  get executed(): string[] {
    return this.events.filter((event) => event.type === 'executing').map((event) => (event as { nodeId: string }).nodeId);
  }

  get cached(): string[] {
    const event = this.events.find((candidate) => candidate.type === 'cached');
    return event && event.type === 'cached' ? event.nodes : [];
  }

  get end(): EngineEvent {
    return this.events.at(-1)!;
  }

  outputOf(nodeId: string): Record<string, unknown> | undefined {
    const event = this.events.find((candidate) => candidate.type === 'output' && candidate.nodeId === nodeId);
    return event && event.type === 'output' ? event.ui : undefined;
  }
}
