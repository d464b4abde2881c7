/**
 * Finding a node type by what the user types: its name, its type id, the ComfyUI names it stands in
 * for (KSampler finds Sampler), its category or words of its description, forgiving typos. Fuse.js
 * scores the matches (as ComfyUI's own search does); names weigh more than descriptions. DOM-free.
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
    return this.#fuse.search(text).map((result) => {
      const comfyName = result.matches?.find((match) => match.key === 'comfyNames')?.value;
      return comfyName && !ownNameContains(result.item, text) ? { schema: result.item, comfyName } : { schema: result.item };
    });
  }
}

function ownNameContains(schema: NodeSchema, text: string): boolean {
  const query = text.toLowerCase();
  return schema.displayName.toLowerCase().includes(query) || schema.type.toLowerCase().includes(query);
}

function byCategoryThenName(a: NodeSchema, b: NodeSchema): number {
  return a.category.localeCompare(b.category) || a.displayName.localeCompare(b.displayName);
}
