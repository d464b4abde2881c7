/**
 * Edits of a saved workflow that the example-workflow generator and the fidelity benchmark share:
 * set widgets by node type, and put MODEL → MODEL patch nodes (ReDilate, NoiseDampedCFG, …) on the
 * link into the Sampler, wired as a user would wire them on the canvas.
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
