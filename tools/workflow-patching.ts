/**
 * Edits of a saved workflow that the example-workflow generator and the fidelity benchmark share:
 * set widgets by node type, put MODEL → MODEL patch nodes (ReDilate, NoiseDampedCFG, …) on the
 * link into the Sampler, and add a hires-fix pass after it, wired as a user would wire them on the canvas.
 */
import type { Workflow, WorkflowNode, WidgetValue } from '../app/protocol/index.js';

/** The only node of `type`; a workflow with none or several is not the one these edits expect. */
export function nodeOfType(workflow: Workflow, type: string): WorkflowNode {
  const matches = workflow.nodes.filter((node) => node.type === type);
  if (matches.length !== 1) throw new Error(`expected one ${type} node in the workflow, found ${matches.length}`);
  return matches[0]!;
}

export function setWidgets(workflow: Workflow, type: string, widgets: Record<string, WidgetValue>): void {
  Object.assign(nodeOfType(workflow, type).widgets, widgets);
}

/** Adds a MODEL → MODEL node of `type` between the Sampler and whatever fed its model input. */
export function insertModelPatch(workflow: Workflow, type: string, widgets: Record<string, WidgetValue>, pos: [number, number]): WorkflowNode {
  const node: WorkflowNode = {
    id: workflow.last_node_id + 1,
    type,
    version: 1,
    pos,
    size: [320, 230],
    mode: 0,
    inputs: [{ name: 'model', type: 'MODEL', link: null }],
    outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }],
    widgets,
    widget_controls: {},
    properties: {},
  };
  workflow.nodes.push(node);
  workflow.last_node_id = node.id;
  const sampler = nodeOfType(workflow, 'Sampler');
  const socket = sampler.inputs.find((input) => input.name === 'model')!;
  const link = workflow.links.find((candidate) => candidate.id === socket.link);
  if (!link) throw new Error('the Sampler\'s model input is not connected');
  const id = workflow.last_link_id + 1;
  workflow.links.push({ id, origin_id: node.id, origin_slot: 0, target_id: sampler.id, target_slot: link.target_slot, type: 'MODEL' });
  workflow.last_link_id = id;
  link.target_id = node.id;
  link.target_slot = 0;
  node.inputs[0]!.link = link.id;
  node.outputs[0]!.links = [id];
  socket.link = id;
  return node;
}

/** Links `from`'s output `slot` to input `input` of `to` (an existing socket of `to`). */
export function connect(workflow: Workflow, from: WorkflowNode, slot: number, to: WorkflowNode, input: string): void {
  const targetSlot = to.inputs.findIndex((candidate) => candidate.name === input);
  const id = workflow.last_link_id + 1;
  const type = from.outputs[slot]!.type;
  workflow.links.push({ id, origin_id: from.id, origin_slot: slot, target_id: to.id, target_slot: targetSlot, type });
  workflow.last_link_id = id;
  from.outputs[slot]!.links = [...(from.outputs[slot]!.links ?? []), id];
  to.inputs[targetSlot]!.link = id;
}

export function addNode(workflow: Workflow, node: Pick<WorkflowNode, 'type' | 'pos' | 'size' | 'inputs' | 'outputs' | 'widgets'>): WorkflowNode {
  const added: WorkflowNode = { id: workflow.last_node_id + 1, version: 1, mode: 0, widget_controls: {}, properties: {}, ...node };
  workflow.nodes.push(added);
  workflow.last_node_id = added.id;
  return added;
}

/** The second pass's strength in the usual hires-fix recipes (A1111's default, ComfyUI's examples). */
export const HIRES_FIX_DENOISE = 0.5;

/**
 * The hires-fix pattern ComfyUI users wire instead of ScaleCrafter: the Sampler's latent (at the
 * training size) → LatentUpscaleBy → a second Sampler with the same model, prompts and seed at
 * `denoise` → what the first Sampler fed. Returns the second Sampler.
 */
export function insertHiresFix(workflow: Workflow, scaleBy: number, denoise: number, pos: [number, number]): WorkflowNode {
  const first = nodeOfType(workflow, 'Sampler');
  const outgoing = workflow.links.filter((link) => link.origin_id === first.id);
  const upscale = addNode(workflow, {
    type: 'LatentUpscaleBy', pos, size: [300, 110],
    inputs: [{ name: 'samples', type: 'LATENT', link: null }],
    outputs: [{ name: 'LATENT', type: 'LATENT', links: [] }],
    widgets: { upscale_method: 'nearest-exact', scale_by: scaleBy },
  });
  const second = addNode(workflow, {
    type: 'Sampler', pos: [pos[0] + 340, pos[1]], size: first.size,
    inputs: first.inputs.map((input) => ({ ...input, link: null })),
    outputs: [{ name: 'LATENT', type: 'LATENT', links: [] }],
    widgets: { ...first.widgets, denoise },
  });
  second.widget_controls = { ...first.widget_controls };
  for (const link of outgoing) link.origin_id = second.id;
  second.outputs[0]!.links = outgoing.map((link) => link.id);
  first.outputs[0]!.links = [];
  connect(workflow, first, 0, upscale, 'samples');
  connect(workflow, upscale, 0, second, 'latent');
  for (const input of ['model', 'positive', 'negative']) {
    const link = workflow.links.find((candidate) => candidate.id === first.inputs.find((socket) => socket.name === input)!.link)!;
    connect(workflow, workflow.nodes.find((node) => node.id === link.origin_id)!, link.origin_slot, second, input);
  }
  return second;
}
