/**
 * Which model an Empty Latent Image is made for: follow its output down to the first node that
 * also takes a MODEL (the Sampler), then that MODEL link up through the patch nodes to the node
 * naming the model (a widget with `modelList`: LoadCheckpoint). Unconnected, or inside a subgraph
 * definition, the workflow's only named model (subgraphs' included) stands for it. Pure: reads a
 * workflow file.
 */
import type { NodeSchema, Workflow } from '../../../app/protocol/index.js';
import { allDefinitions } from './subgraph-definitions.js';

type WorkflowNode = Workflow['nodes'][number];

/** Nodes like Empty Latent Image: width and height widgets, a LATENT out, no LATENT in. */
export function makesSizedLatent(schema: NodeSchema | undefined): boolean {
  if (!schema) return false;
  const widgets = new Set(schema.inputs.filter((input) => input.kind === 'INT').map((input) => input.name));
  return widgets.has('width') && widgets.has('height') && schema.outputs.some((output) => output.type === 'LATENT') && !schema.inputs.some((input) => input.kind === 'socket' && input.type === 'LATENT');
}

export function modelFor(workflow: Workflow, nodeId: number, schemas: ReadonlyMap<string, NodeSchema>): string | undefined {
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const links = new Map(workflow.links.map((link) => [link.id, link]));
  const modelInputOf = (node: WorkflowNode) => node.inputs.find((input) => input.type === 'MODEL' && input.link !== null && links.has(input.link));
  const namedModel = (node: WorkflowNode) => modelNamedBy(node, schemas);

  // Downstream, breadth first, to the first consumer that also takes a MODEL.
  const queue = [nodeId];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const node = nodes.get(queue.shift()!);
    if (!node) continue;
    const modelInput = node.id === nodeId ? undefined : modelInputOf(node);
    if (modelInput) return upstreamModel(modelInput.link!);
    for (const output of node.outputs) for (const linkId of output.links ?? []) {
      const target = links.get(linkId)?.target_id;
      if (target !== undefined && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return onlyNamedModel(workflow, schemas);

  function upstreamModel(linkId: number): string | undefined {
    const visited = new Set<number>();
    let node = nodes.get(links.get(linkId)!.origin_id);
    while (node && !visited.has(node.id)) {
      visited.add(node.id);
      const name = namedModel(node);
      if (name !== undefined) return name;
      const next = modelInputOf(node);
      node = next ? nodes.get(links.get(next.link!)!.origin_id) : undefined;
    }
    return undefined;
  }
}

/** The one model the workflow's nodes name, those inside its subgraph definitions included; undefined for none or several. */
export function onlyNamedModel(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>): string | undefined {
  const inside = allDefinitions(workflow).flatMap((definition) => (Array.isArray(definition.nodes) ? (definition.nodes as WorkflowNode[]) : []));
  const named = new Set([...workflow.nodes, ...inside].flatMap((node) => modelNamedBy(node, schemas) ?? []));
  return named.size === 1 ? [...named][0] : undefined;
}

function modelNamedBy(node: WorkflowNode, schemas: ReadonlyMap<string, NodeSchema>): string | undefined {
  const widget = schemas.get(node.type)?.inputs.find((input) => input.kind === 'STRING' && input.modelList !== undefined);
  const value = widget ? node.widgets?.[widget.name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
