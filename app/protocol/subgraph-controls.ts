/**
 * control_after_generate inside subgraphs, as ComfyUI's frontend applies it after a queue: it calls
 * every widget's afterQueued over `collectAllNodes(rootGraph)`, which walks into each subgraph
 * instance — so an inner node's controlled widget moves once per instance of its definition, in its
 * definition (shared by the instances) — and an instance's promoted widget (linked-input form) moves
 * its own value on the instance by the control of the inner widget it stands for (the frontend
 * copies that control to the promoted widget). Root-level widgets are control-updates.ts's.
 * Shared by the editor (after each Queue) and the CLI (`run --batch-count`, as `--set` overrides).
 */
import { controlDefaultOf, type NodeSchema } from './node-schema.js';
import { controlledRangeOf } from './control-updates.js';
import { innerTarget, promotedIndex, PROXY_WIDGETS_PROPERTY, SUBGRAPH_WIDGET_VALUES_PROPERTY, subgraphDefinitions, withDefinition, withPromotedValue, type SubgraphDefinition } from './subgraphs.js';
import { nextControlledValue } from './value-control.js';
import type { Workflow, WorkflowNode } from './workflow.js';

/** An inner node's widget, moved in its definition; `executionId` names it through one of its instances (`40:6`). */
export interface InnerControlMove {
  kind: 'inner';
  definitionId: string;
  nodeId: number;
  widget: string;
  executionId: string;
  value: number;
}

/** A root-level instance's promoted widget (its input `input`, the `index`th widget-bearing one), moved on the instance. */
export interface PromotedControlMove {
  kind: 'promoted';
  instanceId: number;
  input: string;
  index: number;
  value: number;
}

export type SubgraphControlMove = InnerControlMove | PromotedControlMove;

type Schemas = ReadonlyMap<string, NodeSchema>;
type Definitions = ReadonlyMap<string, SubgraphDefinition>;

/** The moves so far, keyed by where the value lives, so a definition visited twice moves twice. */
class Moves {
  readonly #moves = new Map<string, SubgraphControlMove>();

  constructor(readonly random: () => number) {}

  valueAt(key: string, saved: unknown): unknown {
    return this.#moves.get(key)?.value ?? saved;
  }

  record(key: string, move: SubgraphControlMove): void {
    this.#moves.set(key, move);
  }

  get all(): SubgraphControlMove[] {
    return [...this.#moves.values()];
  }
}

export function subgraphControlMoves(workflow: Workflow, schemas: Schemas, random: () => number = Math.random): SubgraphControlMove[] {
  const definitions = subgraphDefinitions(workflow);
  if (definitions.size === 0) return [];
  const moves = new Moves(random);
  for (const node of workflow.nodes) {
    const definition = definitions.get(node.type);
    if (!definition) continue;
    movePromotedWidgets(node, definition, schemas, moves);
    visitInstance(definition, [node.id], definitions, schemas, moves);
  }
  return moves.all;
}

/** Every inner node of one instance, nested instances' too (a definition that contains itself is not expanded forever). */
function visitInstance(definition: SubgraphDefinition, path: readonly number[], definitions: Definitions, schemas: Schemas, moves: Moves): void {
  for (const node of definition.nodes) {
    moveInnerWidgets(node, definition.id, [...path, node.id].join(':'), schemas, moves);
    const nested = definitions.get(node.type);
    if (nested && path.length < definitions.size) visitInstance(nested, [...path, node.id], definitions, schemas, moves);
  }
}

function moveInnerWidgets(node: WorkflowNode, definitionId: string, executionId: string, schemas: Schemas, moves: Moves): void {
  for (const spec of schemas.get(node.type)?.inputs ?? []) {
    const control = node.widget_controls[spec.name] ?? controlDefaultOf(spec);
    const range = controlledRangeOf(spec);
    if (control === undefined || range === undefined || isLinked(node, spec.name)) continue;
    const key = `${definitionId}/${node.id}.${spec.name}`;
    const value = moves.valueAt(key, node.widgets[spec.name]);
    if (typeof value !== 'number') continue;
    const next = nextControlledValue(value, control, range, moves.random);
    if (next !== value) moves.record(key, { kind: 'inner', definitionId, nodeId: node.id, widget: spec.name, executionId, value: next });
  }
}

/** Each promoted input of a root-level instance, moved by the control of the inner widget it feeds. */
function movePromotedWidgets(instance: WorkflowNode, definition: SubgraphDefinition, schemas: Schemas, moves: Moves): void {
  // Values saved in the proxyWidgets form are in that list's order; the frontend migrates them before moving anything.
  if (instance.properties[PROXY_WIDGETS_PROPERTY] !== undefined) return;
  const saved = instance.properties[SUBGRAPH_WIDGET_VALUES_PROPERTY];
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
    const next = nextControlledValue(value, control, range, moves.random);
    if (next !== value) moves.record(key, { kind: 'promoted', instanceId: instance.id, input: input.name, index, value: next });
  });
}

const isLinked = (node: WorkflowNode, name: string) => node.inputs.some((input) => input.name === name && input.link !== null);

/** `workflow` with `moves` applied: what the canvas holds once the values have moved on. */
export function withSubgraphControlMoves(workflow: Workflow, moves: readonly SubgraphControlMove[]): Workflow {
  let moved = workflow;
  for (const move of moves) {
    if (move.kind === 'promoted') {
      moved = { ...moved, nodes: moved.nodes.map((node) => (node.id === move.instanceId ? withPromotedValue(node, move.index, move.value) : node)) };
      continue;
    }
    moved = withDefinition(moved, move.definitionId, (definition) => ({
      ...definition,
      nodes: (definition.nodes as WorkflowNode[]).map((node) => (node.id === move.nodeId ? { ...node, widgets: { ...node.widgets, [move.widget]: move.value } } : node)),
    }));
  }
  return moved;
}
