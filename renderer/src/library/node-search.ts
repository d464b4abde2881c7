/**
 * Finding a node type by what the user types: its name, its type id, the ComfyUI names it stands in
 * for (KSampler finds Sampler), its category or words of its description, forgiving typos. Fuse.js
 * scores the matches (as ComfyUI's own search does); names weigh more than descriptions, and a node
 * one of whose whole names is what was typed (or a typo of it) comes first. DOM-free.
 */
import Fuse from 'fuse.js';
import type { NodeSchema } from '../../../app/protocol/index.js';

export interface NodeMatch {
  schema: NodeSchema;
  /** The ComfyUI name the node was found by, when its own name did not match (shown beside it). */
  comfyName?: string;
}

/** Loose enough for a missing or swapped letter ("ksampelr"), tight enough that "vae" is not "save". */
const THRESHOLD = 0.34;

export class NodeSearch {
  readonly #fuse: Fuse<NodeSchema>;
  readonly #all: NodeMatch[];

  constructor(schemas: readonly NodeSchema[]) {
    this.#fuse = new Fuse([...schemas], {
      keys: [
        { name: 'displayName', weight: 3 },
        { name: 'comfyNames', weight: 3 },
        { name: 'type', weight: 2 },
        { name: 'category', weight: 1 },
        { name: 'description', weight: 0.5 },
      ],
      includeScore: true,
      includeMatches: true,
      threshold: THRESHOLD,
      // A word in the middle of a description matches as well as one at its start.
      ignoreLocation: true,
    });
    this.#all = [...schemas].sort(byCategoryThenName).map((schema) => ({ schema }));
  }

  /** Best match first; every node type, by category, for an empty query. */
  search(query: string): NodeMatch[] {
    const text = query.trim();
    if (text === '') return this.#all;
    const results = this.#fuse.search(text);
    // Fuse sums its score over every key, so a node that merely shares a word in many fields (say
    // KSamplerAdvanced, for "KSampler" or a typo of it) can outscore the node one of whose names *is*
    // what was typed. A whole name equal to the query, or within a typo or two of it, ranks first.
    const wanted = normalized(text);
    const ranked = results
      .map((result, index) => ({ result, index, tier: nameDistance(result.item, wanted) }))
      .sort((a, b) => a.tier - b.tier || a.index - b.index)
      .map(({ result }) => result);
    return ranked.map((result) => {
      const comfyName = result.matches?.find((match) => match.key === 'comfyNames')?.value;
      return comfyName && !ownNameContains(result.item, text) ? { schema: result.item, comfyName } : { schema: result.item };
    });
  }
}

/** Lower case, letters and digits only: "CLIP Text Encode (Prompt)" and "cliptextencodeprompt" are one. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * How near one of the node's whole names (display name, type, ComfyUI names) is to the query: 0 for
 * an exact match, the edit distance when within the typos allowed for a query that long, else a
 * tier after every near match (those keep Fuse's order).
 */
function nameDistance(schema: NodeSchema, wanted: string): number {
  const allowed = wanted.length >= 5 ? Math.min(2, Math.floor(wanted.length / 4)) : 0;
  const far = allowed + 1;
  let best = far;
  for (const name of [schema.displayName, schema.type, ...(schema.comfyNames ?? [])]) {
    const candidate = normalized(name);
    if (Math.abs(candidate.length - wanted.length) > allowed) continue;
    best = Math.min(best, editDistance(candidate, wanted));
  }
  return best <= allowed ? best : far;
}

/** Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
    }
  }
  return rows[a.length]![b.length]!;
}

function ownNameContains(schema: NodeSchema, text: string): boolean {
  const query = text.toLowerCase();
  return schema.displayName.toLowerCase().includes(query) || schema.type.toLowerCase().includes(query);
}

function byCategoryThenName(a: NodeSchema, b: NodeSchema): number {
  return a.category.localeCompare(b.category) || a.displayName.localeCompare(b.displayName);
}
