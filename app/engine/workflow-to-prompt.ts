/**
 * Workflow (what the canvas shows) → Prompt (what the engine runs), as ComfyUI's graphToPrompt does
 * it: layout dropped; frontend-only nodes (reroutes, primitives, notes) resolved away; subgraph
 * instances expanded into their contents (ids `instance:inner`); bypassed nodes wired through; each
 * input a literal or a `[nodeId, slot]` link (link-resolution.ts). Muted nodes vanish, and so does
 * whatever cannot run without them — as ComfyUI runs only the output nodes that still validate — unless
 * that would leave nothing to output: then the inputs they fed stay missing, for validation to name.
 */
import { NODE_MODES, isFrontendOnlyType, isPromptLink, type Prompt, type PromptNode, type Workflow, type WorkflowNode } from '../protocol/index.js';
import { executionId, LinkResolver, type PlacedNode } from './link-resolution.js';
import type { NodeRegistry } from './node-registry.js';
import { subgraphDefinitions } from './subgraph-definitions.js';

export interface FlatWorkflow {
  prompt: Prompt;
  /** The workflow node (a subgraph's inner node included) behind each prompt id. */
  sources: ReadonlyMap<string, WorkflowNode>;
  /** Per prompt id, the inputs fed by a PrimitiveNode whose text is to be `%…%`-replaced. */
  textReplaced: ReadonlyMap<string, readonly string[]>;
}

export function workflowToPrompt(workflow: Workflow, registry: NodeRegistry): Prompt {
  return flattenWorkflow(workflow, registry).prompt;
}

export function flattenWorkflow(workflow: Workflow, registry: NodeRegistry): FlatWorkflow {
  const resolver = new LinkResolver(workflow, subgraphDefinitions(workflow));
  const prompt: Prompt = {};
  const sources = new Map<string, WorkflowNode>();
  /** Per prompt id, the inputs a muted node fed. */
  const lostToMutes = new Map<string, string[]>();
  const textReplaced = new Map<string, string[]>();
  for (const placed of resolver.placedNodes()) {
    if (!runs(placed, resolver)) continue;
    const id = executionId(placed);
    const { entry, muted, replaced } = promptEntry(placed, resolver, registry);
    prompt[id] = entry;
    sources.set(id, placed.node);
    if (muted.length > 0) lostToMutes.set(id, muted);
    if (replaced.length > 0) textReplaced.set(id, replaced);
  }
  return { prompt: withoutWhatNeedsMutedNodes(prompt, lostToMutes, registry), sources, textReplaced };
}

function runs(placed: PlacedNode, resolver: LinkResolver): boolean {
  if (placed.mode === NODE_MODES.never || placed.mode === NODE_MODES.bypass) return false;
  return !isFrontendOnlyType(placed.node.type) && !resolver.isSubgraphInstance(placed.node);
}

function promptEntry(placed: PlacedNode, resolver: LinkResolver, registry: NodeRegistry): { entry: PromptNode; muted: string[]; replaced: string[] } {
  const { node } = placed;
  const inputs: PromptNode['inputs'] = {};
  const definition = registry.get(node.type);
  const widgetNames = definition ? definition.schema.inputs.filter((input) => input.kind !== 'socket').map((input) => input.name) : Object.keys(node.widgets);
  const promoted = resolver.promotedOverrides(placed);
  for (const name of widgetNames) {
    const value = promoted?.get(name) ?? node.widgets[name];
    if (value !== undefined) inputs[name] = value;
  }
  const muted: string[] = [];
  const replaced: string[] = [];
  // A linked input wins over a widget value of the same name (a widget converted to an input); an
  // input that resolves to nothing (a reroute or subgraph input left open) keeps its widget value.
  node.inputs.forEach((input, slot) => {
    const resolved = resolver.resolveInput(placed, slot);
    if (resolved?.kind === 'link') inputs[input.name] = [resolved.nodeId, resolved.slot];
    else if (resolved?.kind === 'value') {
      inputs[input.name] = resolved.value;
      if (resolved.replaceText) replaced.push(input.name);
    }
    else if (resolved?.kind === 'muted') {
      delete inputs[input.name];
      muted.push(input.name);
    }
  });
  const entry: PromptNode = { class_type: node.type, version: node.version, inputs, ...(node.title ? { _meta: { title: node.title } } : {}) };
  return { entry, muted, replaced };
}

/** An input is required unless the node's schema says optional; an unknown type's inputs all count. */
function isRequired(registry: NodeRegistry, type: string, input: string): boolean {
  return registry.get(type)?.schema.inputs.find((spec) => spec.name === input)?.optional !== true;
}

function withoutWhatNeedsMutedNodes(prompt: Prompt, lostToMutes: ReadonlyMap<string, string[]>, registry: NodeRegistry): Prompt {
  if (lostToMutes.size === 0) return prompt;
  const dropped = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, node] of Object.entries(prompt)) {
      if (dropped.has(id)) continue;
      const lost = [...(lostToMutes.get(id) ?? []), ...Object.keys(node.inputs).filter((name) => isDroppedLink(node.inputs[name], dropped))];
      if (lost.some((name) => isRequired(registry, node.class_type, name))) {
        dropped.add(id);
        changed = true;
      }
    }
  }
  const kept = Object.entries(prompt).filter(([id]) => !dropped.has(id));
  if (!kept.some(([, node]) => registry.get(node.class_type)?.schema.outputNode)) return prompt;
  return Object.fromEntries(kept.map(([id, node]) => [id, { ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, value]) => !isDroppedLink(value, dropped))) }]));
}

const isDroppedLink = (value: unknown, dropped: ReadonlySet<string>): boolean => isPromptLink(value) && dropped.has(value[0]);
