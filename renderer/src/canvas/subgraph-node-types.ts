/**
 * Subgraph instances are litegraph's own `SubgraphNode`s: as each definition is made (loading a
 * workflow, undo, redo) a node type named by its id is registered for it, so the graph's configure
 * makes its instances — the definition's inputs and outputs as typed slots, its promoted widgets,
 * the title button and double-click that open it. ComfyUI's frontend registers them the same way.
 */
import { LiteGraph, SubgraphNode, type LGraph, type Subgraph } from '@comfyorg/litegraph';

type InstanceData = ConstructorParameters<typeof SubgraphNode>[2];

/** `onDefinition`: called with each definition made, before its nodes are configured. */
export function installSubgraphNodeTypes(root: LGraph, onDefinition: (subgraph: Subgraph) => void): void {
  root.events.addEventListener('subgraph-created', (event) => {
    const { subgraph } = event.detail;
    const blank = { id: -1, type: subgraph.id, pos: [0, 0], size: [200, 100], inputs: [], outputs: [], properties: {}, flags: {}, mode: 0, order: 0 } as unknown as InstanceData;
    // Assigned, not registerNodeType: a definition made again (each load) replaces its type quietly.
    LiteGraph.registered_node_types[subgraph.id] = class extends SubgraphNode {
      constructor() {
        super(root, subgraph, blank);
        // Copy and paste carry the promoted widgets' values only when asked to.
        this.serialize_widgets = true;
        // litegraph labels its "open" button with a glyph of PrimeIcons, a font this page does not load.
        for (const button of this.title_buttons) if (button.name === 'enter_subgraph') button.text = '⤢';
      }
    };
    onDefinition(subgraph);
  });
}
