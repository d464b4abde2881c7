/**
 * Runs the experiment's prompts through the engine (the EngineService the app's worker runs), one
 * job at a time, and reads back the PNGs its SaveImage nodes wrote: the images measured are the
 * images a user would get.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineService } from '../../app/engine/engine-service.js';
import { decodePng } from '../../app/imaging/png-metadata.js';
import type { EngineEvent, ExecutionProviderPreference, Workflow } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import type { RgbImage } from './image-ops.js';


export interface Generator {
  run(workflow: Workflow, label: string): Promise<RgbImage[]>;
}

export function createGenerator(modelsDir: string, executionProvider: ExecutionProviderPreference): Generator {
  const events: EngineEvent[] = [];
  const service = new EngineService(createNodeRegistry({ modelsDir }), (event) => events.push(event));
  const outputDir = mkdtempSync(path.join(tmpdir(), 'fidelity-'));
  return {
    async run(workflow, label) {
      const seen = events.length;
      const queued = service.handle('enqueue', { workflow, options: { outputDir, label, executionProvider } }) as { ok: true; jobId: string } | { ok: false; issues: unknown };
      if (!queued.ok) throw new Error(`${label}: the engine refused the workflow: ${JSON.stringify(queued.issues)}`);
      await service.whenIdle();
      const mine = events.slice(seen).filter((event) => event.jobId === queued.jobId);
      const end = mine.at(-1);
      if (end?.type !== 'done') throw new Error(`${label}: ${JSON.stringify(end)}`);
      return mine.flatMap((event) => (event.type === 'output' ? savedImages(event.ui) : [])).map((file) => readRgb(path.join(outputDir, file.subfolder, file.filename)));
    },
  };
}

function savedImages(ui: Record<string, unknown>): Array<{ filename: string; subfolder: string }> {
  return Array.isArray(ui.images) ? (ui.images as Array<{ filename: string; subfolder: string }>) : [];
}

function readRgb(file: string): RgbImage {
  const png = decodePng(readFileSync(file));
  if (png.channels !== 3) throw new Error(`${file}: expected RGB, found ${png.channels} channels`);
  return { width: png.width, height: png.height, data: png.data };
}
