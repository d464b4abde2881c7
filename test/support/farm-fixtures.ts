/** Files the farm tests submit: small tiny-sd workflows and sweeps in a scratch folder. */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { routeOf, routeQueueName } from '../../app/farm/farm-routes.js';
import { identifyModel } from '../../app/farm/model-identity.js';
import type { Workflow } from '../../app/protocol/index.js';
import { nodeOfType, tinySdWorkflow } from './default-workflow.js';

/** tiny-sd at 64² with `steps` steps: seconds per job on a CPU. */
export function smallWorkflow(steps = 2): Workflow {
  const workflow = tinySdWorkflow();
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: 64, height: 64 });
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { steps });
  return workflow;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

export const pngsIn = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.png')).sort();

/** `<batchId>-0000.png` … for `count` jobs, as the farm names one-image outputs. */
export const jobPngs = (batchId: string, count: number) => Array.from({ length: count }, (_, index) => `${batchId}-${String(index).padStart(4, '0')}.png`);

/** The BullMQ queue a farm's jobs on `model` (as in `modelsDir`) go to. */
export async function routeQueueFor(queueName: string, modelsDir: string, model = 'tiny-sd'): Promise<string> {
  const identity = await identifyModel({ modelsDir }, model);
  if (!identity) throw new Error(`no ${model} in ${modelsDir}`);
  return routeQueueName(queueName, routeOf([identity]));
}
