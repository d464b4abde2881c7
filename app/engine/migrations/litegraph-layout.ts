/**
 * Readers for litegraph's own serialisation (`LGraph.serialize()`), which both our version-0 files and
 * ComfyUI's saved workflows use. They accept the spellings that occur in the wild and return the
 * shapes of our workflow format (app/protocol/workflow.ts), or undefined when a value is unreadable.
 */
import type { WorkflowLink } from '../../protocol/index.js';

/** A plain JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isIndex = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/**
 * litegraph keeps `pos` and `size` in Float32Arrays; files written while ComfyUI's frontend
 * serialised them with JSON.stringify (mid 2024) hold `{"0": x, "1": y}` instead of `[x, y]`.
 */
export function readVec2(value: unknown): [number, number] | undefined {
  const pair: unknown[] | undefined = Array.isArray(value) ? value : isJsonObject(value) ? [value['0'], value['1']] : undefined;
  if (pair === undefined || pair.length < 2) return undefined;
  const [x, y] = pair;
  return isFiniteNumber(x) && isFiniteNumber(y) ? [x, y] : undefined;
}

/** `[x, y, width, height]` of a group (litegraph rounds and writes it as an array). */
export function readVec4(value: unknown): [number, number, number, number] | undefined {
  if (!Array.isArray(value) || value.length < 4 || !value.slice(0, 4).every(isFiniteNumber)) return undefined;
  return [value[0], value[1], value[2], value[3]];
}

/**
 * litegraph types a slot with a string ("MODEL", "*" for any) or, for its event slots, a number
 * (LiteGraph.EVENT = -1); our format needs a non-empty string, and "*" says "any" in both.
 */
export function readSlotType(value: unknown): string {
  return typeof value === 'string' && value.length > 0 ? value : '*';
}

/**
 * A link as litegraph writes it, `[id, origin_id, origin_slot, target_id, target_slot, type]`, or as
 * an object with those keys (ComfyUI's workflow schema 1, and our own format). Inside a subgraph
 * definition a link may start at its input node (−10) or end at its output node (−20):
 * `boundaryIds` lets those through.
 */
export function readLink(value: unknown, boundaryIds?: { input: number; output: number }): WorkflowLink | undefined {
  const fields: unknown[] | undefined = Array.isArray(value)
    ? value
    : isJsonObject(value)
      ? [value.id, value.origin_id, value.origin_slot, value.target_id, value.target_slot, value.type]
      : undefined;
  if (fields === undefined) return undefined;
  const [id, originId, originSlot, targetId, targetSlot, type] = fields;
  const originOk = isIndex(originId) || (boundaryIds !== undefined && originId === boundaryIds.input);
  const targetOk = isIndex(targetId) || (boundaryIds !== undefined && targetId === boundaryIds.output);
  if (![id, originSlot, targetSlot].every(isIndex) || !originOk || !targetOk) return undefined;
  return {
    id: id as number,
    origin_id: originId as number,
    origin_slot: originSlot as number,
    target_id: targetId as number,
    target_slot: targetSlot as number,
    type: readSlotType(type),
  };
}

/** The largest id in use, for `last_node_id` / `last_link_id` when a file lacks them. */
export function largestId(items: readonly { id: number }[]): number {
  return items.reduce((largest, item) => Math.max(largest, item.id), 0);
}
