/**
 * Subgraphs as ComfyUI's frontend saves them: the workflow's `definitions.subgraphs` lists each
 * definition once (its nodes, its links, its inputs and outputs), and every node whose type is a
 * definition's id is an instance of it. Inside a definition, a link from node −10 comes from the
 * subgraph's input of that slot and a link to node −20 goes to its output of that slot (litegraph's
 * SubgraphInputNode / SubgraphOutputNode ids). An import keeps the definitions in the workflow, with
 * their nodes translated, so the editor can save them back; workflow → prompt expands them.
 */
import { z } from 'zod';
import { rawSubgraphsOf, workflowNodeSchema, type Workflow } from '../protocol/index.js';

/** litegraph's ids for a subgraph's input and output boundary nodes (shared with the editor). */
export { rawSubgraphsOf, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID } from '../protocol/index.js';

const boundarySlotSchema = z.looseObject({ name: z.string(), type: z.string() });

/** Links inside a definition may start at the input node or end at the output node (negative ids). */
export const subgraphLinkSchema = z.looseObject({
  id: z.number().int(),
  origin_id: z.number().int(),
  origin_slot: z.number().int().nonnegative(),
  target_id: z.number().int(),
  target_slot: z.number().int().nonnegative(),
  type: z.string(),
});

export const subgraphDefinitionSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().default(''),
  inputs: z.array(boundarySlotSchema).default([]),
  outputs: z.array(boundarySlotSchema).default([]),
  nodes: z.array(workflowNodeSchema).default([]),
  links: z.array(subgraphLinkSchema).default([]),
});

export type SubgraphDefinition = z.infer<typeof subgraphDefinitionSchema>;
export type SubgraphLink = z.infer<typeof subgraphLinkSchema>;

/**
 * Every definition by id: the workflow's own, and any a definition nests in its own `definitions`.
 * One that does not parse is left out: its instances then stay unknown types, which validation names.
 */
export function subgraphDefinitions(workflow: Workflow): Map<string, SubgraphDefinition> {
  const found = new Map<string, SubgraphDefinition>();
  const pending = rawSubgraphsOf(workflow);
  while (pending.length > 0) {
    const parsed = subgraphDefinitionSchema.safeParse(pending.shift());
    if (!parsed.success || found.has(parsed.data.id)) continue;
    found.set(parsed.data.id, parsed.data);
    pending.push(...rawSubgraphsOf(parsed.data));
  }
  return found;
}
