/**
 * "Unpack subgraph": a subgraph instance on the workflow's root graph, or inside another definition,
 * replaced by a copy of its definition's nodes and links (ComfyUI's frontend does the same). The copies get new ids and sit
 * where the instance was; what fed the instance's inputs now feeds the inner inputs the boundary fed,
 * what its outputs fed now takes the inner outputs wired to the boundary, and a promoted widget's
 * value (an instance input left unlinked) becomes the inner widget's value, so the workflow runs as
 * before; inside a definition, links between the instance and that definition's boundary go to the
 * boundary. The definition itself stays while other instances use it.
 */
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, type Workflow, type WorkflowLink, type WorkflowNode } from '../../../app/protocol/index.js';
import type { CanvasLink } from './canvas-state.js';
import { allDefinitions, definitionBody, withDefinitions } from './subgraph-definitions.js';
import { promotedWidgets } from './subgraph-instances.js';

/** A link of a definition: its ends may be the boundary (negative ids), as on the canvas. */
type AnyLink = CanvasLink;

interface Unpacking {
  nodes: WorkflowNode[];
  links: AnyLink[];
  nextNodeId: number;
  nextLinkId: number;
}

/**
 * The workflow with instance `instanceId` unpacked: a node of the root graph, or of the definition
 * `insideDefinition` (an opened subgraph); undefined when it is not a subgraph instance.
 */
export function unpackInstance(workflow: Workflow, instanceId: number, insideDefinition?: string): Workflow | undefined {
  const definitions = allDefinitions(workflow);
  if (insideDefinition === undefined) {
    const unpacked = unpackIn(workflow, instanceId, definitions);
    return unpacked && { ...workflow, ...unpacked };
  }
  const outer = definitions.find((candidate) => candidate.id === insideDefinition);
  const unpacked = outer && unpackIn(definitionBody(outer), instanceId, definitions);
  if (!outer || !unpacked) return undefined;
  const state = typeof outer.state === 'object' && outer.state !== null ? outer.state : {};
  const written = { ...outer, nodes: unpacked.nodes, links: unpacked.links, state: { ...state, lastNodeId: unpacked.last_node_id, lastLinkId: unpacked.last_link_id } };
  return { ...workflow, definitions: withDefinitions(workflow, new Map([[outer.id, written]])) };
}

/** `graph` (the workflow, or a definition's contents) with its node `instanceId` unpacked. */
function unpackIn(graph: Workflow, instanceId: number, definitions: ReturnType<typeof allDefinitions>): Pick<Workflow, 'nodes' | 'links' | 'last_node_id' | 'last_link_id'> | undefined {
  const instance = graph.nodes.find((node) => node.id === instanceId);
  const definition = instance && definitions.find((candidate) => candidate.id === instance.type);
  if (!instance || !definition) return undefined;
  const inner = structuredClone({ nodes: (definition.nodes ?? []) as WorkflowNode[], links: (definition.links ?? []) as AnyLink[] });
  const state: Unpacking = {
    nodes: graph.nodes.filter((node) => node !== instance).map((node) => structuredClone(node)),
    links: graph.links.map((link) => ({ ...link })),
    nextNodeId: Math.max(graph.last_node_id, ...graph.nodes.map((node) => node.id)) + 1,
    nextLinkId: Math.max(graph.last_link_id, ...graph.links.map((link) => link.id)) + 1,
  };
  const newIds = placeCopies(state, inner.nodes, instance);
  copyInnerLinks(state, inner.links, newIds);
  wireInputs(state, inner.links, newIds, instance);
  wireOutputs(state, inner.links, newIds, instance);
  const links = state.links.filter((link) => link.origin_id !== instance.id && link.target_id !== instance.id) as WorkflowLink[];
  return { nodes: state.nodes, links, last_node_id: state.nextNodeId - 1, last_link_id: state.nextLinkId - 1 };
}

/** The definition's nodes with new ids, moved so that their top-left is where the instance was. */
function placeCopies(state: Unpacking, nodes: WorkflowNode[], instance: WorkflowNode): Map<number, WorkflowNode> {
  const left = Math.min(...nodes.map((node) => node.pos[0]));
  const top = Math.min(...nodes.map((node) => node.pos[1]));
  const copies = new Map<number, WorkflowNode>();
  for (const node of nodes) {
    const copy: WorkflowNode = { ...node, id: state.nextNodeId++, pos: [node.pos[0] - left + instance.pos[0], node.pos[1] - top + instance.pos[1]] };
    for (const input of copy.inputs) input.link = null;
    for (const output of copy.outputs) output.links = [];
    copies.set(node.id, copy);
    state.nodes.push(copy);
  }
  return copies;
}

/** A new link; an end given as a number is the boundary of the definition unpacked into (no node to update). */
function connect(state: Unpacking, origin: WorkflowNode | number, originSlot: number, target: WorkflowNode | number, targetSlot: number, type: string): void {
  const id = state.nextLinkId++;
  const idOf = (end: WorkflowNode | number) => (typeof end === 'number' ? end : end.id);
  state.links.push({ id, origin_id: idOf(origin), origin_slot: originSlot, target_id: idOf(target), target_slot: targetSlot, type });
  if (typeof origin !== 'number') (origin.outputs[originSlot]!.links ??= []).push(id);
  if (typeof target !== 'number') target.inputs[targetSlot]!.link = id;
}

function copyInnerLinks(state: Unpacking, links: AnyLink[], copies: Map<number, WorkflowNode>): void {
  for (const link of links) {
    const [origin, target] = [copies.get(link.origin_id), copies.get(link.target_id)];
    if (origin?.outputs[link.origin_slot] && target?.inputs[link.target_slot]) connect(state, origin, link.origin_slot, target, link.target_slot, link.type);
  }
}

/** What fed each instance input now feeds the inner inputs its boundary slot fed; a promoted value becomes theirs. */
function wireInputs(state: Unpacking, links: AnyLink[], copies: Map<number, WorkflowNode>, instance: WorkflowNode): void {
  const promoted = new Map(promotedWidgets(instance).map((widget) => [widget.name, widget.value]));
  instance.inputs.forEach((input, slot) => {
    const feeding = state.links.find((link) => link.id === input.link);
    const origin = feeding && state.nodes.find((node) => node.id === feeding.origin_id);
    for (const link of links.filter((candidate) => candidate.origin_id === SUBGRAPH_INPUT_NODE_ID && candidate.origin_slot === slot)) {
      const target = copies.get(link.target_id);
      const targetInput = target?.inputs[link.target_slot];
      if (!target || !targetInput) continue;
      if (feeding && origin?.outputs[feeding.origin_slot]) connect(state, origin, feeding.origin_slot, target, link.target_slot, feeding.type);
      else if (feeding?.origin_id === SUBGRAPH_INPUT_NODE_ID) connect(state, SUBGRAPH_INPUT_NODE_ID, feeding.origin_slot, target, link.target_slot, feeding.type);
      else if (promoted.has(input.name)) target.widgets[targetInput.name] = promoted.get(input.name)!;
    }
    if (origin && feeding) origin.outputs[feeding.origin_slot]!.links = (origin.outputs[feeding.origin_slot]!.links ?? []).filter((id) => id !== feeding.id);
  });
}

/** Every input an instance output fed now takes the inner output wired to that boundary slot. */
function wireOutputs(state: Unpacking, links: AnyLink[], copies: Map<number, WorkflowNode>, instance: WorkflowNode): void {
  instance.outputs.forEach((_output, slot) => {
    const inner = links.find((link) => link.target_id === SUBGRAPH_OUTPUT_NODE_ID && link.target_slot === slot);
    const origin = inner && copies.get(inner.origin_id);
    for (const fed of state.links.filter((link) => link.origin_id === instance.id && link.origin_slot === slot)) {
      if (fed.target_id === SUBGRAPH_OUTPUT_NODE_ID) {
        if (origin && inner) connect(state, origin, inner.origin_slot, SUBGRAPH_OUTPUT_NODE_ID, fed.target_slot, fed.type);
        continue;
      }
      const target = state.nodes.find((node) => node.id === fed.target_id);
      if (!target?.inputs[fed.target_slot]) continue;
      target.inputs[fed.target_slot]!.link = null;
      if (origin && inner) connect(state, origin, inner.origin_slot, target, fed.target_slot, fed.type);
    }
  });
}
