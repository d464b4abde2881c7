/**
 * The ComfyUI names each of our node types answers to, read from the import map (the one place
 * that pairs ComfyUI's types with ours), for the canvas's node search.
 */
import type { NodeSchema } from '../../protocol/index.js';
import { COMFY_NODE_MAP } from './node-map.js';

export function withComfyNames(schemas: readonly NodeSchema[]): NodeSchema[] {
  const names = new Map<string, string[]>();
  for (const mapping of COMFY_NODE_MAP.values()) {
    const known = names.get(mapping.ourType) ?? [];
    for (const name of [mapping.comfyType, mapping.comfyTitle]) if (name !== mapping.ourType && !known.includes(name)) known.push(name);
    names.set(mapping.ourType, known);
  }
  return schemas.map((schema) => {
    const comfyNames = names.get(schema.type);
    return comfyNames && comfyNames.length > 0 ? { ...schema, comfyNames } : schema;
  });
}
