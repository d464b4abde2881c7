/**
 * Where the value reaching a node's input really comes from, through everything that does not run:
 * reroutes, primitives, bypassed nodes and subgraph boundaries. The rules are ComfyUI's
 * (litegraph's `ExecutableNodeDTO.resolveInput` / `resolveOutput`, which its graphToPrompt calls):
 * - a bypassed node (mode 4) hands on one of its own inputs: the one at the output's slot when its
 *   type fits both the output and the input being fed, else the first of exactly the fed input's type,
 *   else the first that fits both — whatever the node's type, implemented here or not;
 * - a Reroute hands on its input; a PrimitiveNode gives its value; a note gives nothing;
 * - a subgraph instance's output is the inner node linked to that output of its definition, and an
 *   inner input linked from the subgraph's input is whatever feeds the instance's input there, or,
 *   when nothing does and that input is a promoted widget, the instance's value for it (either of
 *   the frontend's forms: promoted-widgets.ts; an instance's value wins over the inner widget's);
 * - a muted node (mode 2) gives nothing, and says so, so that what needs it can be dropped.
 * Nodes inside subgraphs are named by their path of instance ids, `92:3` (ComfyUI's execution ids).
 */
import { NODE_MODES, PRIMITIVE_NODE_TYPE, PRIMITIVE_TEXT_REPLACEMENT_PROPERTY, PRIMITIVE_VALUE_WIDGET, REROUTE_TYPE, type WidgetValue, type WorkflowNode } from '../protocol/index.js';
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, type SubgraphDefinition } from './subgraph-definitions.js';
import { promotedWidgetsOf, type PromotedWidgets } from './promoted-widgets.js';

interface LinkEnds {
  origin_id: number;
  origin_slot: number;
  target_id: number;
  target_slot: number;
}

interface GraphScope {
  nodes: ReadonlyMap<number, WorkflowNode>;
  links: ReadonlyMap<number, LinkEnds>;
}

/** A node where it sits: its graph, the subgraph instances around it, and the mode it runs in. */
export interface PlacedNode {
  readonly node: WorkflowNode;
  readonly scope: GraphScope;
  readonly path: readonly number[];
  readonly instance: PlacedNode | undefined;
  /** The node's own mode, unless the instance around it is muted or bypassed: its contents are too. */
  readonly mode: number;
}

export type ResolvedInput =
  | { kind: 'link'; nodeId: string; slot: number }
  /** `replaceText`: the value is a PrimitiveNode's with "Run widget replace on values" set. */
  | { kind: 'value'; value: WidgetValue; replaceText?: true }
  | { kind: 'muted' }
  | undefined;

export const executionId = (placed: PlacedNode): string => [...placed.path, placed.node.id].join(':');

const scopeOf = (graph: { nodes: readonly WorkflowNode[]; links: readonly (LinkEnds & { id: number })[] }): GraphScope => ({
  nodes: new Map(graph.nodes.map((node) => [node.id, node])),
  links: new Map(graph.links.map((link) => [link.id, link])),
});

/** litegraph's `isValidConnection`: "*" or an empty type fits anything; "A,B" fits either. */
function fits(a: string, b: string): boolean {
  if (a === '' || a === '*' || b === '' || b === '*' || a === b) return true;
  const left = a.toLowerCase().split(',');
  return b.toLowerCase().split(',').some((type) => left.includes(type));
}

/** The input a bypassed node hands on for its output `slot` when feeding an input of type `wanted`. */
function bypassInputIndex(node: WorkflowNode, slot: number, wanted: string): number {
  const { inputs } = node;
  if (wanted === '*' || wanted === '') return inputs.length > slot ? slot : 0;
  const outputType = node.outputs[slot]?.type ?? '*';
  const opposite = inputs[slot];
  if (opposite && fits(opposite.type, outputType) && fits(opposite.type, wanted)) return slot;
  const exact = inputs.findIndex((input) => input.type === wanted);
  if (exact >= 0) return exact;
  return inputs.findIndex((input) => fits(input.type, outputType) && fits(input.type, wanted));
}

export class LinkResolver {
  readonly #root: GraphScope;
  readonly #definitions: ReadonlyMap<string, SubgraphDefinition>;
  readonly #scopes = new Map<string, GraphScope>();
  readonly #promoted = new Map<string, PromotedWidgets>();

  constructor(root: { nodes: readonly WorkflowNode[]; links: readonly (LinkEnds & { id: number })[] }, definitions: ReadonlyMap<string, SubgraphDefinition>) {
    this.#root = scopeOf(root);
    this.#definitions = definitions;
  }

  isSubgraphInstance(node: WorkflowNode): boolean {
    return this.#definitions.has(node.type);
  }

  /** Every node of the workflow and, recursively, of each subgraph instance's definition. */
  placedNodes(): PlacedNode[] {
    const placed: PlacedNode[] = [];
    const visit = (scope: GraphScope, path: number[], instance: PlacedNode | undefined, depth: number) => {
      for (const node of scope.nodes.values()) {
        const here = this.#place(node, scope, path, instance);
        placed.push(here);
        const inner = this.#definitionScope(node.type);
        // A definition that contains itself, directly or not, is not expanded forever.
        if (inner && depth < this.#definitions.size) visit(inner, [...path, node.id], here, depth + 1);
      }
    };
    visit(this.#root, [], undefined, 0);
    return placed;
  }

  /** What reaches input `slot` of a node; undefined when nothing does (its widget value then stands). */
  resolveInput(placed: PlacedNode, slot: number, visited = new Set<string>(), wanted?: string): ResolvedInput {
    const key = `${executionId(placed)}[I]${slot}`;
    if (visited.has(key)) return undefined;
    visited.add(key);
    const input = placed.node.inputs[slot];
    const link = input?.link === null || input === undefined ? undefined : placed.scope.links.get(input.link);
    if (!input || !link) return undefined;
    if (link.origin_id === SUBGRAPH_INPUT_NODE_ID) {
      if (!placed.instance) return undefined;
      return this.resolveInput(placed.instance, link.origin_slot, visited, wanted ?? input.type) ?? this.#promotedValue(placed.instance, link.origin_slot);
    }
    const origin = placed.scope.nodes.get(link.origin_id);
    if (!origin) return undefined;
    return this.#resolveOutput(this.#place(origin, placed.scope, placed.path, placed.instance), link.origin_slot, wanted ?? input.type, visited);
  }

  /**
   * The widget values an instance around `placed` promotes onto it without a link (proxyWidgets' bare
   * promotions): they replace the node's own widget values in this instance.
   */
  promotedOverrides(placed: PlacedNode): ReadonlyMap<string, WidgetValue> | undefined {
    return placed.instance && this.#promotedOf(placed.instance)?.inner.get(placed.node.id);
  }

  /** An instance's value for its promoted input `slot`: its own, or one an instance around it promotes onto that input. */
  #promotedValue(instance: PlacedNode, slot: number): ResolvedInput {
    const name = instance.node.inputs[slot]?.name;
    const value = this.#promotedOf(instance)?.inputs.get(slot) ?? (name === undefined ? undefined : this.promotedOverrides(instance)?.get(name));
    return value === undefined ? undefined : { kind: 'value', value };
  }

  #promotedOf(instance: PlacedNode): PromotedWidgets | undefined {
    const definition = this.#definitions.get(instance.node.type);
    if (!definition) return undefined;
    const key = executionId(instance);
    let promoted = this.#promoted.get(key);
    if (!promoted) {
      promoted = promotedWidgetsOf(instance.node, definition);
      this.#promoted.set(key, promoted);
    }
    return promoted;
  }

  #resolveOutput(placed: PlacedNode, slot: number, wanted: string, visited: Set<string>): ResolvedInput {
    const key = `${executionId(placed)}[O]${slot}`;
    if (visited.has(key)) return undefined;
    visited.add(key);
    const { node } = placed;
    if (placed.mode === NODE_MODES.bypass) {
      const index = bypassInputIndex(node, slot, wanted);
      return index < 0 ? undefined : this.resolveInput(placed, index, visited);
    }
    if (this.isSubgraphInstance(node)) return this.#resolveSubgraphOutput(placed, slot, wanted, visited);
    if (node.type === REROUTE_TYPE) return node.inputs[slot] ? this.resolveInput(placed, slot, visited, wanted) : undefined;
    if (node.type === PRIMITIVE_NODE_TYPE) {
      const value = node.widgets[PRIMITIVE_VALUE_WIDGET];
      if (value === undefined) return undefined;
      return node.properties[PRIMITIVE_TEXT_REPLACEMENT_PROPERTY] === true && typeof value === 'string' ? { kind: 'value', value, replaceText: true } : { kind: 'value', value };
    }
    if (placed.mode === NODE_MODES.never) return { kind: 'muted' };
    return { kind: 'link', nodeId: executionId(placed), slot };
  }

  #resolveSubgraphOutput(instance: PlacedNode, slot: number, wanted: string, visited: Set<string>): ResolvedInput {
    const inner = this.#definitionScope(instance.node.type) as GraphScope;
    if (instance.path.length >= this.#definitions.size) return undefined; // a definition that contains itself
    const link = [...inner.links.values()].find((candidate) => candidate.target_id === SUBGRAPH_OUTPUT_NODE_ID && candidate.target_slot === slot);
    if (!link) return undefined;
    // An output wired straight to an input of the same subgraph passes the instance's input on.
    if (link.origin_id === SUBGRAPH_INPUT_NODE_ID) return this.resolveInput(instance, link.origin_slot, visited, wanted);
    const origin = inner.nodes.get(link.origin_id);
    if (!origin) return undefined;
    return this.#resolveOutput(this.#place(origin, inner, [...instance.path, instance.node.id], instance), link.origin_slot, wanted, visited);
  }

  #place(node: WorkflowNode, scope: GraphScope, path: readonly number[], instance: PlacedNode | undefined): PlacedNode {
    const enclosing = instance?.mode;
    const mode = enclosing === NODE_MODES.never || enclosing === NODE_MODES.bypass ? enclosing : node.mode;
    return { node, scope, path, instance, mode };
  }

  #definitionScope(type: string): GraphScope | undefined {
    const definition = this.#definitions.get(type);
    if (!definition) return undefined;
    let scope = this.#scopes.get(type);
    if (!scope) {
      scope = scopeOf(definition);
      this.#scopes.set(type, scope);
    }
    return scope;
  }
}
