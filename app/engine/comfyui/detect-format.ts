/**
 * Tells ComfyUI's two file formats from each other and from our own. Both ComfyUI's UI format and our
 * version-0 files are litegraph serialisations, so a UI file is recognised by what only ComfyUI
 * writes: the "Node name for S&R" property its frontend gives every node, a node type that exists
 * only in ComfyUI (one the node map renames), or subgraph definitions.
 */
import { WORKFLOW_FORMAT } from '../../protocol/index.js';
import { isJsonObject } from '../migrations/litegraph-layout.js';
import { rawSubgraphsOf } from '../subgraph-definitions.js';
import { COMFY_NODE_MAP } from './node-map.js';

export type ComfyUiFormat = 'ui' | 'api';

const COMFY_ONLY_TYPES = new Set([...COMFY_NODE_MAP.values()].filter((m) => m.comfyType !== m.ourType).map((m) => m.comfyType));

function looksLikeComfyNode(node: unknown): boolean {
  if (!isJsonObject(node)) return false;
  const namedForSearch = isJsonObject(node.properties) && 'Node name for S&R' in node.properties;
  return namedForSearch || (typeof node.type === 'string' && COMFY_ONLY_TYPES.has(node.type));
}

const isApiEntry = (value: unknown): boolean => isJsonObject(value) && typeof value.class_type === 'string' && isJsonObject(value.inputs);

export function detectComfyUiFormat(json: unknown): ComfyUiFormat | null {
  if (!isJsonObject(json) || json.format === WORKFLOW_FORMAT) return null;
  if (Array.isArray(json.nodes)) return json.nodes.some(looksLikeComfyNode) || rawSubgraphsOf(json).length > 0 ? 'ui' : null;
  const entries = Object.values(json);
  return entries.length > 0 && entries.every(isApiEntry) ? 'api' : null;
}
