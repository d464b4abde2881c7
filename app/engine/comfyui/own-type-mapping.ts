/**
 * An API-format prompt may name this app's own node types (ReDilate, Sampler… — what our PNGs'
 * `prompt` chunk holds, and what a ComfyUI client reads from /object_info): such a node imports as
 * itself, through a mapping that renames nothing.
 */
import { isWidget } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import type { ComfyNodeMapping } from './node-map.js';

export function ownTypeMapping(registry: NodeRegistry, type: string): ComfyNodeMapping | undefined {
  const schema = registry.get(type)?.schema;
  if (!schema) return undefined;
  return {
    comfyType: type,
    comfyTitle: schema.displayName,
    ourType: type,
    widgets: schema.inputs.filter(isWidget).map((spec) => ({ name: spec.name, hasControl: spec.kind === 'SEED' })),
    renamedInputs: {},
    outputs: schema.outputs.map((output) => output.type),
  };
}
