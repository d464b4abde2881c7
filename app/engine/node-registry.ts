/** The set of node types a worker can run, looked up by their stable type id. */
import type { NodeSchema } from '../protocol/index.js';
import type { AnyNodeDefinition } from './node-definition.js';

export class NodeRegistry {
  readonly #definitions = new Map<string, AnyNodeDefinition>();

  constructor(definitions: Iterable<AnyNodeDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: AnyNodeDefinition): void {
    const { type } = definition.schema;
    if (this.#definitions.has(type)) throw new Error(`node type "${type}" is registered twice`);
    const names = definition.schema.inputs.map((input) => input.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate) throw new Error(`node type "${type}" declares input "${duplicate}" twice`);
    this.#definitions.set(type, definition);
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.#definitions.get(type);
  }

  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /** Schemas as plain data, for the canvas and `scalecrafter nodes`. */
  schemas(): NodeSchema[] {
    return [...this.#definitions.values()].map(({ schema }) => ({
      ...schema,
      inputs: [...schema.inputs],
      outputs: [...schema.outputs],
    }));
  }
}
