/** The shipped default workflow, read from workflows/default.json as a user would run it. */
import { readFileSync } from 'node:fs';
import { tinyPipelineConfigs } from '../../app/models/sd/presets.js';
import type { Workflow } from '../../app/protocol/index.js';

const file = new URL('../../workflows/default.json', import.meta.url);

export function defaultWorkflow(): Workflow {
  return JSON.parse(readFileSync(file, 'utf8')) as Workflow;
}

export function nodeOfType(workflow: Workflow, type: string, index = 0) {
  const node = workflow.nodes.filter((candidate) => candidate.type === type)[index];
  if (!node) throw new Error(`the workflow has no ${type} node #${index}`);
  return node;
}

/** tiny-sd's training side in pixels: its UNet's sample_size through SD's 8× VAE (256). */
export const TINY_SD_SIDE = Number(tinyPipelineConfigs(1).unet.sample_size) * 8;

/**
 * The default workflow on tiny-sd at its training size, for tests about SD's latent space (4
 * channels, an 8× VAE with real convolutions) rather than the bundled pixel-space model.
 */
export function tinySdWorkflow(): Workflow {
  const workflow = defaultWorkflow();
  nodeOfType(workflow, 'LoadCheckpoint').widgets.model = 'tiny-sd';
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: TINY_SD_SIDE, height: TINY_SD_SIDE });
  return workflow;
}
