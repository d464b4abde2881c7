/** The shipped default workflow, read from workflows/default.json as a user would run it. */
import { readFileSync } from 'node:fs';
import { tinyPipelineConfigs } from '../../app/models/sd/presets.js';
import type { WidgetValue, Workflow, WorkflowNode } from '../../app/protocol/index.js';

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

/** Puts a MODEL → MODEL patch node (ReDilate, …) on the link into the Sampler's model input, in place. */
export function insertModelPatch(workflow: Workflow, type: string, widgets: Record<string, WidgetValue>): void {
  const sampler = nodeOfType(workflow, 'Sampler');
  const socket = sampler.inputs.find((input) => input.name === 'model')!;
  const link = workflow.links.find((candidate) => candidate.id === socket.link)!;
  const id = workflow.last_node_id + 1;
  const linkId = workflow.last_link_id + 1;
  const node: WorkflowNode = {
    id, type, version: 1, pos: [0, 0], size: [200, 100], mode: 0,
    inputs: [{ name: 'model', type: 'MODEL', link: link.id }], outputs: [{ name: 'MODEL', type: 'MODEL', links: [linkId] }],
    widgets, widget_controls: {}, properties: {},
  };
  link.target_id = id;
  link.target_slot = 0;
  workflow.links.push({ id: linkId, origin_id: id, origin_slot: 0, target_id: sampler.id, target_slot: 0, type: 'MODEL' });
  socket.link = linkId;
  workflow.nodes.push(node);
  workflow.last_node_id = id;
  workflow.last_link_id = linkId;
}
