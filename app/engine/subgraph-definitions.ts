/**
 * Subgraphs as ComfyUI's frontend saves them: the workflow's `definitions.subgraphs` lists each
 * definition once (its nodes, its links, its inputs and outputs), and every node whose type is a
 * definition's id is an instance of it. Inside a definition, a link from node −10 comes from the
 * subgraph's input of that slot and a link to node −20 goes to its output of that slot (litegraph's
 * SubgraphInputNode / SubgraphOutputNode ids). An import keeps the definitions in the workflow, with
 * their nodes translated, so the editor can save them back; workflow → prompt expands them.
 */
/** litegraph's ids for a subgraph's input and output boundary nodes (shared with the editor), and the definitions' schema. */
export {
  rawSubgraphsOf,
  SUBGRAPH_INPUT_NODE_ID,
  SUBGRAPH_OUTPUT_NODE_ID,
  subgraphDefinitions,
  subgraphDefinitionSchema,
  subgraphLinkSchema,
  type SubgraphDefinition,
  type SubgraphLink,
} from '../protocol/index.js';
