/**
 * A workflow's subgraph definitions (app/protocol/subgraphs.ts) ⇄ the canvas's CanvasSubgraphs. The
 * canvas edits every definition in one place, flat (litegraph keeps them all on the root graph, as
 * ComfyUI's frontend does); saving writes each back where the file had it — at the top or nested in
 * another definition — so only what the user edited changes. Each definition's contents go through
 * the same conversion as the root graph (widgets by name, today's sockets), passed in as `convert`.
 */
import { rawSubgraphsOf, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow } from '../../../app/protocol/index.js';
import type { CanvasGraph, CanvasSubgraph, CanvasSubgraphSlot } from './canvas-state.js';

type RawDefinition = Record<string, unknown> & { id: string };

/** Keys of a definition the canvas models; the others travel in CanvasSubgraph.extra. */
const MODELLED_DEFINITION_KEYS = new Set(['id', 'name', 'inputs', 'outputs', 'nodes', 'links', 'groups', 'definitions']);
const MODELLED_SLOT_KEYS = new Set(['name', 'type', 'linkIds']);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDefinition = (value: unknown): value is RawDefinition => isRecord(value) && typeof value.id === 'string' && value.id.length > 0;
const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Every definition the workflow holds, nested ones included, each once (the first of an id wins, as in the engine). */
export function allDefinitions(workflow: Record<string, unknown>): RawDefinition[] {
  const found = new Map<string, RawDefinition>();
  const pending = [...rawSubgraphsOf(workflow)];
  while (pending.length > 0) {
    const next = pending.shift();
    if (!isDefinition(next) || found.has(next.id)) continue;
    found.set(next.id, next);
    pending.push(...rawSubgraphsOf(next));
  }
  return [...found.values()];
}

/** A definition's contents in the workflow's shape, so they convert (and unpack) as a root graph does. */
export function definitionBody(definition: RawDefinition): Workflow {
  const state = isRecord(definition.state) ? definition.state : {};
  const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);
  return {
    format: WORKFLOW_FORMAT,
    version: WORKFLOW_VERSION,
    last_node_id: count(state.lastNodeId),
    last_link_id: count(state.lastLinkId),
    nodes: arrayOf(definition.nodes) as Workflow['nodes'],
    links: arrayOf(definition.links) as Workflow['links'],
    groups: arrayOf(definition.groups) as Workflow['groups'],
    extra: {},
  };
}

/** The boundary's slots; which links meet each is read from the links, not trusted from the file. */
function boundarySlots(raw: unknown, links: Workflow['links'], side: 'inputs' | 'outputs'): CanvasSubgraphSlot[] {
  return arrayOf(raw).filter(isRecord).map((slot, index) => ({
    name: typeof slot.name === 'string' ? slot.name : `${side === 'inputs' ? 'input' : 'output'} ${index}`,
    type: typeof slot.type === 'string' ? slot.type : '*',
    linkIds: links
      .filter((link) => (side === 'inputs' ? link.origin_id === SUBGRAPH_INPUT_NODE_ID && link.origin_slot === index : link.target_id === SUBGRAPH_OUTPUT_NODE_ID && link.target_slot === index))
      .map((link) => link.id),
    extra: pick(slot, (key) => !MODELLED_SLOT_KEYS.has(key)),
  }));
}

export function definitionToCanvas(definition: RawDefinition, convert: (body: Workflow) => CanvasGraph): CanvasSubgraph {
  const body = definitionBody(definition);
  return {
    id: definition.id,
    name: typeof definition.name === 'string' ? definition.name : '',
    inputs: boundarySlots(definition.inputs, body.links, 'inputs'),
    outputs: boundarySlots(definition.outputs, body.links, 'outputs'),
    graph: convert(body),
    extra: pick(definition, (key) => !MODELLED_DEFINITION_KEYS.has(key)),
  };
}

/** A CanvasSubgraph as the file's definition (its nested `definitions`, if any, are added by the caller). */
export function definitionFromCanvas(subgraph: CanvasSubgraph, convert: (graph: CanvasGraph) => Workflow): Record<string, unknown> {
  const body = convert(subgraph.graph);
  const slot = (each: CanvasSubgraphSlot) => ({ ...structuredClone(each.extra), name: each.name, type: each.type, linkIds: [...each.linkIds] });
  const state = isRecord(subgraph.extra.state) ? subgraph.extra.state : {};
  return {
    ...structuredClone(subgraph.extra),
    id: subgraph.id,
    name: subgraph.name,
    state: { ...state, lastNodeId: body.last_node_id, lastLinkId: body.last_link_id },
    inputs: subgraph.inputs.map(slot),
    outputs: subgraph.outputs.map(slot),
    nodes: body.nodes,
    links: body.links,
    groups: body.groups,
  };
}

/**
 * The workflow's `definitions` with each edited definition written where it was (nested ones inside
 * their parents); definitions the file did not have (a selection converted to a subgraph) go at the top.
 */
export function withDefinitions(workflow: Record<string, unknown>, edited: ReadonlyMap<string, Record<string, unknown>>): Record<string, unknown> | undefined {
  const placed = new Set<string>();
  const rewrite = (raws: unknown[]): unknown[] =>
    raws.map((raw) => {
      if (!isDefinition(raw)) return raw;
      const nested = rawSubgraphsOf(raw);
      const written = edited.get(raw.id);
      if (written) placed.add(raw.id);
      const base = written ?? raw;
      return nested.length > 0 ? { ...base, definitions: { ...(raw.definitions as Record<string, unknown>), subgraphs: rewrite(nested) } } : base;
    });
  const top = rewrite(rawSubgraphsOf(workflow));
  for (const [id, definition] of edited) if (!placed.has(id)) top.push(definition);
  if (top.length === 0) return isRecord(workflow.definitions) ? workflow.definitions : undefined;
  return { ...(isRecord(workflow.definitions) ? workflow.definitions : {}), subgraphs: top };
}

/**
 * `definitions` without the definitions no instance uses any more, as ComfyUI saves them: a
 * definition is used when a node of the workflow is an instance of it, or a node of a used one is.
 * A used definition nested inside an unused one moves up to where the unused one was.
 */
export function withoutUnusedDefinitions(workflow: Workflow): Workflow {
  const used = usedDefinitionIds(workflow);
  const keep = (raws: unknown[]): unknown[] =>
    raws.flatMap((raw) => {
      if (!isDefinition(raw)) return [raw];
      const nested = rawSubgraphsOf(raw);
      const kept = keep(nested);
      if (!used.has(raw.id)) return kept;
      return nested.length > 0 ? [{ ...raw, definitions: { ...(raw.definitions as Record<string, unknown>), subgraphs: kept } }] : [raw];
    });
  const raws = rawSubgraphsOf(workflow);
  if (raws.length === 0) return workflow;
  return { ...workflow, definitions: { ...(workflow.definitions as Record<string, unknown>), subgraphs: keep(raws) } };
}

function usedDefinitionIds(workflow: Workflow): Set<string> {
  const byId = new Map(allDefinitions(workflow).map((definition) => [definition.id, definition]));
  const used = new Set<string>();
  const pending = workflow.nodes.map((node) => node.type);
  while (pending.length > 0) {
    const type = pending.pop()!;
    const definition = byId.get(type);
    if (!definition || used.has(type)) continue;
    used.add(type);
    pending.push(...arrayOf(definition.nodes).filter(isRecord).map((node) => String(node.type)));
  }
  return used;
}

function pick(object: Record<string, unknown>, keep: (key: string) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => keep(key)).map(([key, value]) => [key, structuredClone(value)]));
}
