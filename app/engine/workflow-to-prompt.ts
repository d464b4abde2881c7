/**
 * Workflow (what the canvas shows) → Prompt (what the engine runs). Layout is dropped, muted nodes
 * vanish, bypassed nodes are wired through, and each input becomes a literal or a [node, slot] link.
 */
import { NODE_MODES, type Prompt, type PromptNode, type Workflow, type WorkflowLink, type WorkflowNode } from '../protocol/index.js';
import type { NodeRegistry } from './node-registry.js';

type LinkTarget = { nodeId: number; slot: number } | null;

export function workflowToPrompt(workflow: Workflow, registry: NodeRegistry): Prompt {
  const nodesById = new Map(workflow.nodes.map((node) => [node.id, node]));
  const linksById = new Map(workflow.links.map((link) => [link.id, link]));
  const prompt: Prompt = {};

  for (const node of workflow.nodes) {
    if (node.mode === NODE_MODES.never || node.mode === NODE_MODES.bypass) continue;
    const inputs: PromptNode['inputs'] = {};
    const definition = registry.get(node.type);
    const widgetNames = definition
      ? definition.schema.inputs.filter((input) => input.kind !== 'socket').map((input) => input.name)
      : Object.keys(node.widgets);
    for (const name of widgetNames) {
      const value = node.widgets[name];
      if (value !== undefined) inputs[name] = value;
    }
    // A linked input wins over a widget value of the same name (a widget converted to an input).
    for (const input of node.inputs) {
      if (input.link === null) continue;
      const origin = resolveOrigin(linksById.get(input.link), nodesById, linksById, new Set());
      if (origin) inputs[input.name] = [String(origin.nodeId), origin.slot];
      else delete inputs[input.name];
    }
    prompt[String(node.id)] = {
      class_type: node.type,
      version: node.version,
      inputs,
      ...(node.title ? { _meta: { title: node.title } } : {}),
    };
  }
  return prompt;
}

/**
 * Follows a link back to the node that really produces the value: through bypassed nodes (whose
 * output of type T passes on their first linked input of type T, as ComfyUI's bypass does), and to
 * nothing at all for muted nodes or dangling links.
 */
function resolveOrigin(
  link: WorkflowLink | undefined,
  nodesById: Map<number, WorkflowNode>,
  linksById: Map<number, WorkflowLink>,
  visited: Set<number>,
): LinkTarget {
  if (!link) return null;
  const origin = nodesById.get(link.origin_id);
  if (!origin || origin.mode === NODE_MODES.never) return null;
  if (origin.mode !== NODE_MODES.bypass) return { nodeId: origin.id, slot: link.origin_slot };
  if (visited.has(origin.id)) return null;
  visited.add(origin.id);
  const wanted = origin.outputs[link.origin_slot]?.type ?? link.type;
  const passThrough = origin.inputs.find((input) => input.type === wanted && input.link !== null);
  return passThrough && passThrough.link !== null
    ? resolveOrigin(linksById.get(passThrough.link), nodesById, linksById, visited)
    : null;
}
