/**
 * Builds workflow files the way the canvas writes them (litegraph layout, widgets by name), so tests
 * read like the graph they describe instead of like JSON.
 */
import { WORKFLOW_FORMAT, WORKFLOW_VERSION, type Workflow, type WorkflowNode, type WidgetValue } from '../../app/protocol/index.js';
import type { NodeRegistry } from '../../app/engine/node-registry.js';
import { linkTypeOf } from '../../app/protocol/index.js';

export class WorkflowBuilder {
  readonly #nodes: WorkflowNode[] = [];
  readonly #links: Workflow['links'] = [];

  constructor(private readonly registry: NodeRegistry) {}

  /** Adds a node with its schema defaults, overridden by `widgets`; returns its id. */
  add(type: string, widgets: Record<string, WidgetValue> = {}, options: { mode?: 0 | 2 | 4; id?: number } = {}): number {
    const definition = this.registry.get(type);
    const id = options.id ?? this.#nodes.length + 1;
    const defaults: Record<string, WidgetValue> = {};
    const inputs: WorkflowNode['inputs'] = [];
    for (const spec of definition?.schema.inputs ?? []) {
      if (spec.kind === 'socket' || spec.forceInput) inputs.push({ name: spec.name, type: linkTypeOf(spec), link: null });
      if (spec.kind !== 'socket' && !spec.forceInput) defaults[spec.name] = spec.default;
    }
    this.#nodes.push({
      id,
      type,
      version: definition?.schema.version ?? 1,
      pos: [id * 220, 100],
      size: [200, 80],
      mode: options.mode ?? 0,
      inputs,
      outputs: (definition?.schema.outputs ?? []).map((output) => ({ name: output.name, type: output.type, links: [] })),
      widgets: { ...defaults, ...widgets },
      widget_controls: {},
      properties: {},
    });
    return id;
  }

  /** Links output `slot` of `from` to input `input` of `to`, adding the input socket if it was a widget. */
  connect(from: number, slot: number, to: number, input: string): number {
    const origin = this.#node(from);
    const target = this.#node(to);
    const type = origin.outputs[slot]?.type ?? 'STRING';
    const id = this.#links.length + 1;
    let socket = target.inputs.find((candidate) => candidate.name === input);
    if (!socket) {
      socket = { name: input, type, link: null };
      target.inputs.push(socket);
    }
    socket.link = id;
    origin.outputs[slot]?.links?.push(id);
    this.#links.push({ id, origin_id: from, origin_slot: slot, target_id: to, target_slot: target.inputs.indexOf(socket), type });
    return id;
  }

  node(id: number): WorkflowNode {
    return this.#node(id);
  }

  build(): Workflow {
    return structuredClone({
      format: WORKFLOW_FORMAT,
      version: WORKFLOW_VERSION,
      last_node_id: Math.max(0, ...this.#nodes.map((node) => node.id)),
      last_link_id: this.#links.length,
      nodes: this.#nodes,
      links: this.#links,
      groups: [],
      extra: {},
    });
  }

  #node(id: number): WorkflowNode {
    const node = this.#nodes.find((candidate) => candidate.id === id);
    if (!node) throw new Error(`no node ${id} in this test workflow`);
    return node;
  }
}
