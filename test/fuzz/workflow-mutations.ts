/**
 * Malformed workflows for the fuzz test: each case is one real workflow (ours, ComfyUI's UI format,
 * ComfyUI's API format) with one kind of damage done to it, chosen by fast-check from its seed so a
 * failing case can be replayed. The damage is what files meet in the wild: wrong types, missing and
 * extra keys, huge and non-finite numbers, links to nodes or slots that do not exist, cycles,
 * duplicate ids, deep nesting, truncated and binary files.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';

type Json = unknown;
type Path = (string | number)[];

export interface WorkflowSeed {
  readonly name: string;
  readonly format: 'ours' | 'ui' | 'api';
  readonly json: Json;
}

/** What the loader is handed: parsed JSON (as over IPC, where NaN survives) or the text of a file. */
export type LoaderInput = { json: Json } | { text: string };

export interface WorkflowCase {
  readonly kind: string;
  readonly seed: string;
  readonly input: LoaderInput;
}

const fixture = (relative: string): Json => JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8'));

export function workflowSeeds(): WorkflowSeed[] {
  return [
    { name: 'default', format: 'ours', json: fixture('../../workflows/default.json') },
    { name: 'comfyui-ui', format: 'ui', json: fixture('../fixtures/comfyui/default-workflow.json') },
    { name: 'comfyui-ui-legacy', format: 'ui', json: fixture('../fixtures/comfyui/legacy-object-vectors.json') },
    { name: 'comfyui-ui-reroute', format: 'ui', json: fixture('../fixtures/comfyui/lora-note-reroute.json') },
    { name: 'comfyui-api', format: 'api', json: fixture('../fixtures/comfyui/default-workflow-api.json') },
  ];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every path into `json`, the root excluded, in document order. */
function pathsOf(json: Json, prefix: Path = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(json) ? json.map((value, index) => [index, value]) : isRecord(json) ? Object.entries(json) : [];
  return children.flatMap(([key, value]) => [[...prefix, key], ...pathsOf(value, [...prefix, key])]);
}

function parentOf(json: Json, path: Path): Record<string | number, unknown> {
  let node = json as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

function setAt(json: Json, path: Path, value: unknown): void {
  parentOf(json, path)[path.at(-1)!] = value;
}

function deleteAt(json: Json, path: Path): void {
  const parent = parentOf(json, path);
  const key = path.at(-1)!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else delete parent[key];
}

const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

/** Values a field of any type might wrongly hold. */
const wrongValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(null, [], {}, -1, 0, '', '0', [1, 2, 3], { 0: 1, 1: 2 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 7 }),
);

const HUGE_NUMBERS = [1e308, -1e308, Infinity, -Infinity, NaN, 2 ** 53 + 2, -(2 ** 63), 2 ** 64, -0, 5e-324, 0.5];

interface Draw {
  seed: WorkflowSeed;
  at: number;
  other: number;
  value: unknown;
  huge: number;
  depth: number;
  cut: number;
  bytes: Uint8Array;
}

const DEEP_MARKER = '\u0000deep';

function deepValue(depth: number, objects: boolean): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = objects ? { a: value } : [value];
  return value;
}

/** A node list and a link list in either litegraph shape (ours: objects, ComfyUI's UI: arrays). */
function graphParts(json: Json): { nodes: Record<string, unknown>[]; links: unknown[] } | undefined {
  if (!isRecord(json) || !Array.isArray(json.nodes) || !Array.isArray(json.links)) return undefined;
  return { nodes: json.nodes.filter(isRecord), links: json.links };
}

const linkEnds = (link: unknown): { id: number; origin: number; target: number } | undefined =>
  Array.isArray(link)
    ? { id: Number(link[0]), origin: Number(link[1]), target: Number(link[3]) }
    : isRecord(link)
      ? { id: Number(link.id), origin: Number(link.origin_id), target: Number(link.target_id) }
      : undefined;

/** Points a link (graph formats) or a link input (API format) at a node or slot that does not exist. */
function breakLink(json: Json, draw: Draw): void {
  const variants: [number, number][] = [[9999, 0], [-1, 0], [0, 99], [0, -1], [0, 0.5]];
  const [node, slot] = pick(variants, draw.other)!;
  if (draw.seed.format === 'api') {
    const linkPaths = pathsOf(json).filter((path) => path.length === 3 && path[1] === 'inputs' && Array.isArray(parentOf(json, path)[path[2]!]));
    const path = pick(linkPaths, draw.at);
    if (path) setAt(json, path, [node === 0 ? path[0] : String(node), slot === 0 && node === 0 ? 0 : slot]);
    return;
  }
  const parts = graphParts(json);
  const index = draw.at % Math.max(1, parts?.links.length ?? 1);
  const link = parts?.links[index];
  if (Array.isArray(link)) {
    if (node !== 0) link[draw.other % 2 === 0 ? 1 : 3] = node;
    else link[draw.other % 2 === 0 ? 2 : 4] = slot;
  } else if (isRecord(link)) {
    if (node !== 0) link[draw.other % 2 === 0 ? 'origin_id' : 'target_id'] = node;
    else link[draw.other % 2 === 0 ? 'origin_slot' : 'target_slot'] = slot;
  }
}

/** Adds a link back from a node's consumer to one of the node's own inputs. */
function makeCycle(json: Json, draw: Draw): void {
  if (draw.seed.format === 'api' && isRecord(json)) {
    const entries = Object.entries(json).filter(([, entry]) => isRecord(entry) && isRecord(entry.inputs));
    for (const [consumerId, consumer] of entries) {
      const link = Object.values((consumer as { inputs: Record<string, unknown> }).inputs).find(Array.isArray) as [string, number] | undefined;
      const origin = link && (json[link[0]] as { inputs?: Record<string, unknown> } | undefined);
      const input = origin?.inputs && Object.keys(origin.inputs)[draw.other % Math.max(1, Object.keys(origin.inputs).length)];
      if (origin?.inputs && input !== undefined) {
        origin.inputs[input] = [consumerId, 0];
        return;
      }
    }
    return;
  }
  const parts = graphParts(json);
  if (!parts) return;
  const nodeById = new Map(parts.nodes.map((node) => [Number(node.id), node]));
  const ends = parts.links.map(linkEnds).filter((end) => end !== undefined);
  const closing = ends.find((end) => Array.isArray(nodeById.get(end.origin)?.inputs) && (nodeById.get(end.origin)!.inputs as unknown[]).length > 0);
  if (!closing) return;
  const origin = nodeById.get(closing.origin)!;
  const inputs = origin.inputs as Record<string, unknown>[];
  const slot = draw.other % inputs.length;
  const id = Math.max(0, ...ends.map((end) => end.id)) + 1;
  const type = inputs[slot]!.type ?? '*';
  parts.links.push(Array.isArray(parts.links[0]) ? [id, closing.target, 0, closing.origin, slot, type] : { id, origin_id: closing.target, origin_slot: 0, target_id: closing.origin, target_slot: slot, type });
  inputs[slot] = { ...inputs[slot], link: id };
}

function duplicateId(json: Json, draw: Draw): LoaderInput {
  if (draw.seed.format === 'api' && isRecord(json)) {
    // An object cannot hold a key twice; a file can, and JSON.parse keeps the last.
    const key = pick(Object.keys(json), draw.at)!;
    const text = JSON.stringify(json);
    return { text: `{${JSON.stringify(key)}:${JSON.stringify({ class_type: 'Nonsense', inputs: {} })},${text.slice(1)}` };
  }
  const parts = graphParts(json);
  if (parts) {
    const twin = draw.other % 2 === 0 ? pick(parts.nodes, draw.at) : pick(parts.links, draw.at);
    if (twin !== undefined) (draw.other % 2 === 0 ? (json as { nodes: unknown[] }).nodes : parts.links).push(structuredClone(twin));
  }
  return { json };
}

/** The neighbours of a format a file may really be in: other versions, other wrappers, other shapes. */
function formatVariant(json: Json, draw: Draw): Json {
  const root = json as Record<string, unknown>;
  const variants: (() => Json)[] = [
    () => ({ prompt: json }),
    () => ({ ...root, version: pick([0.4, '1', 99, -1, 1.5, null], draw.other) }),
    () => ({ ...root, format: pick(['comfyui', '', 1, undefined], draw.other) }),
    () => Object.fromEntries(Object.entries(root).map(([key, value]) => [key, isRecord(value) ? { ...value, inputs: Object.values(value.inputs ?? {}) } : value])),
    () => ({ ...root, links: Array.isArray(root.links) ? root.links.map((link) => (Array.isArray(link) ? { id: link[0], origin_id: link[1], origin_slot: link[2], target_id: link[3], target_slot: link[4], type: link[5] } : link)) : root.links }),
    () => ({ ...root, nodes: Array.isArray(root.nodes) ? Object.fromEntries(root.nodes.map((node, index) => [String(index), node])) : root.nodes }),
    () => ({ ...root, nodes: Array.isArray(root.nodes) ? root.nodes.map((node) => (isRecord(node) ? { ...node, properties: {}, widgets_values: isRecord(node.widgets) ? undefined : node.widgets_values } : node)) : root.nodes }),
  ];
  return variants[draw.at % variants.length]!();
}

/** One damaged copy of `draw.seed`, of the given kind. */
function mutate(kind: string, draw: Draw): LoaderInput {
  const json = structuredClone(draw.seed.json);
  const paths = pathsOf(json);
  const path = pick(paths, draw.at)!;
  switch (kind) {
    case 'wrong-type':
      setAt(json, path, draw.value);
      return { json };
    case 'missing-key':
      deleteAt(json, path);
      return { json };
    case 'extra-key': {
      const objectPaths: Path[] = [[], ...paths.filter((candidate) => isRecord(parentOf(json, [...candidate, 'x'])))];
      const target = pick(objectPaths, draw.other)!;
      const holder = target.length === 0 ? (json as Record<string, unknown>) : (parentOf(json, [...target, 'x']) as Record<string, unknown>);
      const key = pick(['__proto__', 'constructor', 'widgets', 'inputs', 'x', 'class_type', 'link', ''], draw.at)!;
      // An own key even for "__proto__", as JSON.parse makes it.
      Object.defineProperty(holder, key, { value: draw.value, enumerable: true, writable: true, configurable: true });
      return { json };
    }
    case 'huge-number': {
      const numeric = paths.filter((candidate) => typeof parentOf(json, candidate)[candidate.at(-1)!] === 'number');
      setAt(json, pick(numeric, draw.at) ?? path, HUGE_NUMBERS[draw.huge % HUGE_NUMBERS.length]);
      return { json };
    }
    case 'huge-number-text': {
      // JSON text can say 1e999, which JSON.parse reads as Infinity.
      const text = JSON.stringify(json).replace(/(?<=[:[,])-?\d+(\.\d+)?(?=[,\]}])/g, (match, _frac, offset: number) => (offset % 7 === draw.at % 7 ? '1e999' : match));
      return { text };
    }
    case 'missing-link-end':
      breakLink(json, draw);
      return { json };
    case 'format-variant':
      return { json: formatVariant(json, draw) };
    case 'cycle':
      makeCycle(json, draw);
      return { json };
    case 'duplicate-id':
      return duplicateId(json, draw);
    case 'deep-nesting': {
      if (draw.other % 3 === 0) {
        setAt(json, path, deepValue(draw.depth, draw.other % 2 === 0));
        return { json };
      }
      // Written as text, nesting can go deeper than JSON.stringify itself can recurse.
      setAt(json, path, DEEP_MARKER);
      const [open, close] = draw.other % 2 === 0 ? ['{"a":', '}'] : ['[', ']'];
      return { text: JSON.stringify(json).replace(JSON.stringify(DEEP_MARKER), `${open.repeat(draw.depth * 5)}1${close.repeat(draw.depth * 5)}`) };
    }
    case 'truncated': {
      const text = JSON.stringify(json, null, draw.other % 2 === 0 ? 2 : 0);
      return { text: text.slice(0, Math.floor(draw.cut * text.length)) };
    }
    case 'binary': {
      const text = JSON.stringify(json);
      const at = Math.floor(draw.cut * text.length);
      const garbage = new TextDecoder('latin1').decode(draw.bytes);
      return { text: draw.other % 3 === 0 ? garbage : `${text.slice(0, at)}${garbage}${text.slice(at)}` };
    }
    default:
      throw new Error(`no mutation "${kind}"`);
  }
}

export const MUTATION_KINDS = [
  'wrong-type',
  'missing-key',
  'extra-key',
  'huge-number',
  'huge-number-text',
  'missing-link-end',
  'cycle',
  'duplicate-id',
  'format-variant',
  'deep-nesting',
  'truncated',
  'binary',
] as const;

export function workflowCases(seeds: readonly WorkflowSeed[]): fc.Arbitrary<WorkflowCase> {
  const draw = fc.record({
    seed: fc.constantFrom(...seeds),
    at: fc.nat(),
    other: fc.nat(),
    value: wrongValue,
    huge: fc.nat(),
    depth: fc.integer({ min: 50, max: 4_000 }),
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.uint8Array({ maxLength: 64 }),
  });
  return fc.tuple(fc.constantFrom(...MUTATION_KINDS), draw).map(([kind, drawn]) => ({ kind, seed: drawn.seed.name, input: mutate(kind, drawn) }));
}
