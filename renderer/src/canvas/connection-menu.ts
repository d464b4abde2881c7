/**
 * The menu a link dropped on empty canvas opens. litegraph's own calls the search box detached from
 * the canvas (`opts.showSearchBox(…)` runs with `this` = its options: "reading 'scale'", and a dead
 * search box) and its Add Node lists every node type. Ours lists, by category, only the node types
 * with an input (or, for a link dragged from an input, an output) of the link's type, connects the
 * node it adds, and opens the search box on the canvas with the same type filter.
 */
import { LGraphCanvas, LGraphNode, LiteGraph } from '@comfyorg/litegraph';
import { linkTypeOf, type NodeSchema } from '../../../app/protocol/index.js';

interface ConnectionMenuOptions {
  nodeFrom?: LGraphNode | null;
  slotFrom?: unknown;
  nodeTo?: LGraphNode | null;
  slotTo?: unknown;
  e?: { canvasX: number; canvasY: number } & MouseEvent;
}

type Direction = 'from-output' | 'from-input';

/** Node types that can take (from-output) or give (from-input) a link of `type`. */
export function typesAccepting(schemas: readonly NodeSchema[], type: string, direction: Direction): NodeSchema[] {
  return schemas.filter((schema) =>
    direction === 'from-output' ? schema.inputs.some((spec) => linkTypeOf(spec) === type) : schema.outputs.some((output) => output.type === type),
  );
}

function slotIndex(node: LGraphNode, slot: unknown, outputs: boolean): number {
  if (typeof slot === 'number') return slot;
  const name = typeof slot === 'object' && slot !== null && 'name' in slot ? String(slot.name) : String(slot);
  return (outputs ? node.outputs : node.inputs).findIndex((candidate) => candidate.name === name);
}

export function installConnectionMenu(canvas: LGraphCanvas, schemas: readonly NodeSchema[]): void {
  canvas.showConnectionMenu = (raw) => {
    const options = raw as ConnectionMenuOptions;
    const direction: Direction = options.nodeFrom ? 'from-output' : 'from-input';
    const node = options.nodeFrom ?? options.nodeTo;
    if (!node) return undefined;
    const index = slotIndex(node, options.nodeFrom ? options.slotFrom : options.slotTo, direction === 'from-output');
    const slot = direction === 'from-output' ? node.outputs[index] : node.inputs[index];
    if (!slot) return undefined;
    const type = String(slot.type);
    const at: [number, number] = [options.e?.canvasX ?? 0, options.e?.canvasY ?? 0];
    const add = (nodeType: string) => {
      const added = LiteGraph.createNode(nodeType);
      if (!added || !canvas.graph) return;
      added.pos = at;
      canvas.graph.add(added);
      if (direction === 'from-output') node.connectByType(index, added, type);
      else node.connectByTypeOutput(index, added, type);
      canvas.setDirty(true, true);
    };
    const matching = typesAccepting(schemas, type, direction);
    const categories = [...new Set(matching.map((schema) => schema.category))].sort();
    const addNode = {
      content: 'Add Node',
      has_submenu: true,
      callback: (_value: unknown, _opts: unknown, event: MouseEvent, menu: unknown) => {
        new LiteGraph.ContextMenu(
          categories.map((category) => ({
            content: category,
            has_submenu: true,
            callback: (_v: unknown, _o: unknown, inner: MouseEvent, parent: unknown) => {
              new LiteGraph.ContextMenu(
                matching.filter((schema) => schema.category === category).map((schema) => ({ content: schema.displayName, callback: () => add(schema.type) })),
                { event: inner, parentMenu: parent as never },
              );
            },
          })),
          { event, parentMenu: menu as never },
        );
        return true;
      },
    };
    const search = {
      content: 'Search',
      callback: (_value: unknown, _opts: unknown, event: MouseEvent) => {
        // The two "show other nodes too" options hit an undeclared variable in litegraph 0.17; off.
        const filter = { do_type_filter: true, show_general_after_typefiltered: false, show_general_if_none_on_typefilter: false, ...(direction === 'from-output' ? { node_from: node, slot_from: slot, type_filter_in: type } : { node_to: node, slot_from: slot, type_filter_out: type }) };
        canvas.showSearchBox(event, filter as never);
      },
    };
    return new LiteGraph.ContextMenu([addNode, search] as never, { event: options.e as MouseEvent, title: `${slot.name} | ${type}` });
  };
}
