/**
 * control_after_generate inside subgraphs, as ComfyUI's frontend applies it after a queue: it calls
 * every widget's afterQueued over `collectAllNodes(rootGraph)`, which walks into each subgraph
 * instance — so an inner node's controlled widget moves once per instance of its definition, in its
 * definition (shared by the instances) — and an instance's promoted widget (linked-input form) moves
 * its own value on the instance by the control of the inner widget it stands for (the frontend
 * copies that control to the promoted widget). Root-level widgets are control-updates.ts's. The
 * moves come back as `--set` overrides (`40:6.seed`, `40.seed`: widget-overrides.ts), so a batch's
 * next copy is the file with them applied.
 */
import { controlDefaultOf, controlledRangeOf, nextControlledValue, type NodeSchema, type WidgetOverride, type WorkflowNode } from '../protocol/index.js';
import type { Workflow } from '../protocol/index.js';
import { executionId, LinkResolver, type PlacedNode } from './link-resolution.js';
import { promotedIndex } from './subgraph-values.js';
import { COMFY_WIDGETS_PROPERTY } from './comfyui/kept-node.js';
import { PROXY_WIDGETS_PROPERTY } from './promoted-widgets.js';
import { SUBGRAPH_INPUT_NODE_ID, subgraphDefinitions, type SubgraphDefinition } from './subgraph-definitions.js';

type Schemas = ReadonlyMap<string, NodeSchema>;

/** The moves so far, keyed by where the value lives, so a definition visited twice moves twice. */
class Moves {
  readonly #values = new Map<string, WidgetOverride>();

  valueAt(key: string, saved: unknown): unknown {
    return this.#values.get(key)?.value ?? saved;
  }

  record(key: string, override: WidgetOverride): void {
    this.#values.set(key, override);
  }

  get overrides(): WidgetOverride[] {
    return [...this.#values.values()];
  }
}

export function subgraphControlOverrides(workflow: Workflow, schemas: Schemas, random: () => number = Math.random): WidgetOverride[] {
  const definitions = subgraphDefinitions(workflow);
  if (definitions.size === 0) return [];
  const resolver = new LinkResolver(workflow, definitions);
  const moves = new Moves();
  for (const placed of resolver.placedNodes()) {
    if (placed.instance) moveInnerWidgets(placed, schemas, moves, random);
    const definition = definitions.get(placed.node.type);
    if (definition && !placed.instance) movePromotedWidgets(placed.node, definition, schemas, moves, random);
  }
  return moves.overrides;
}

function moveInnerWidgets(placed: PlacedNode, schemas: Schemas, moves: Moves, random: () => number): void {
  const { node } = placed;
  for (const spec of schemas.get(node.type)?.inputs ?? []) {
    const control = node.widget_controls[spec.name] ?? controlDefaultOf(spec);
    const range = controlledRangeOf(spec);
    if (control === undefined || range === undefined || isLinked(node, spec.name)) continue;
    const key = `${placed.instance!.node.type}/${node.id}.${spec.name}`;
    const value = moves.valueAt(key, node.widgets[spec.name]);
    if (typeof value !== 'number') continue;
    const next = nextControlledValue(value, control, range, random);
    if (next !== value) moves.record(key, { nodeId: executionId(placed), field: spec.name, value: next });
  }
}

/** Each promoted input of a root-level instance, moved by the control of the inner widget it feeds. */
function movePromotedWidgets(instance: WorkflowNode, definition: SubgraphDefinition, schemas: Schemas, moves: Moves, random: () => number): void {
  // Values saved in the proxyWidgets form are in that list's order; the frontend migrates them before moving anything.
  if (instance.properties[PROXY_WIDGETS_PROPERTY] !== undefined) return;
  const saved = instance.properties[COMFY_WIDGETS_PROPERTY];
  instance.inputs.forEach((input, slot) => {
    const index = promotedIndex(instance, input.name);
    const target = index < 0 || input.link !== null ? undefined : innerTarget(definition, slot);
    const spec = target && schemas.get(target.node.type)?.inputs.find((candidate) => candidate.name === target.widget);
    const control = spec && (target.node.widget_controls[spec.name] ?? controlDefaultOf(spec));
    const range = spec && controlledRangeOf(spec);
    if (control === undefined || range === undefined) return;
    const key = `promoted/${instance.id}.${input.name}`;
    const value = moves.valueAt(key, Array.isArray(saved) ? saved[index] : undefined);
    if (typeof value !== 'number') return;
    const next = nextControlledValue(value, control, range, random);
    if (next !== value) moves.record(key, { nodeId: String(instance.id), field: input.name, value: next });
  });
}

/** The inner node and widget the subgraph's input `slot` feeds (its first link). */
function innerTarget(definition: SubgraphDefinition, slot: number): { node: WorkflowNode; widget: string } | undefined {
  const link = definition.links.find((candidate) => candidate.origin_id === SUBGRAPH_INPUT_NODE_ID && candidate.origin_slot === slot);
  const node = link && definition.nodes.find((candidate) => candidate.id === link.target_id);
  const widget = link && node?.inputs[link.target_slot]?.name;
  return node && widget ? { node, widget } : undefined;
}

const isLinked = (node: WorkflowNode, name: string) => node.inputs.some((input) => input.name === name && input.link !== null);
