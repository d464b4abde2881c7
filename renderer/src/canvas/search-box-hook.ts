/**
 * litegraph's search box (double-click on the canvas, or Search on a dropped link) with our
 * matching: litegraph only tests whether the typed text is part of a type or title; ours is
 * NodeSearch (ComfyUI names, typos, descriptions). litegraph still draws the box, keeps the link's
 * type filter selects and adds the chosen node; each result also gets its description and, when
 * it was found by a ComfyUI name, that name.
 */
import { LiteGraph, type LGraphCanvas } from '@comfyorg/litegraph';
import type { NodeMatch, NodeSearch } from '../library/node-search.js';

type SlotRegister = Record<string, { nodes: string[] } | undefined>;

export function installNodeSearch(canvas: LGraphCanvas, search: NodeSearch): void {
  canvas.onSearchBox = (helper, text) => {
    const box = helper.closest('.litesearchbox');
    const typeIn = box?.querySelector<HTMLSelectElement>('.slot_in_type_filter')?.value ?? '';
    const typeOut = box?.querySelector<HTMLSelectElement>('.slot_out_type_filter')?.value ?? '';
    const matches = search.search(text).filter((match) => accepts(LiteGraph.registered_slot_in_types as SlotRegister, typeIn, match) && accepts(LiteGraph.registered_slot_out_types as SlotRegister, typeOut, match));
    // litegraph appends one element per returned type right after this returns; describe them then.
    queueMicrotask(() => describeResults(helper, matches));
    return matches.map((match) => match.schema.type);
  };
}

/** With a type filter chosen, only node types with a socket of that type (the link's). */
function accepts(register: SlotRegister, slotType: string, match: NodeMatch): boolean {
  return slotType === '' || (register[slotType]?.nodes.includes(match.schema.type) ?? false);
}

function describeResults(helper: Element, matches: readonly NodeMatch[]): void {
  const byType = new Map(matches.map((match) => [match.schema.type, match]));
  for (const item of helper.querySelectorAll<HTMLElement>('.lite-search-item')) {
    const match = byType.get(item.dataset.type ?? '');
    if (!match || item.querySelector('.lite-search-item-description')) continue;
    if (match.comfyName) item.append(Object.assign(document.createElement('span'), { className: 'lite-search-item-comfy', textContent: `ComfyUI: ${match.comfyName}` }));
    item.append(Object.assign(document.createElement('div'), { className: 'lite-search-item-description', textContent: match.schema.description }));
  }
}
