/**
 * What ComfyUI's frontend accepts when it opens a workflow, restated for our tests: its published zod
 * schemas (ComfyUI_frontend `src/platform/workflow/validation/schemas/workflowSchema.ts`, earlier
 * `src/schemas/comfyWorkflowSchema.ts`): the UI format at schema version 0.4 (links as arrays) and
 * the API format. Written here in our own words, with the same requirements: every node has id, type,
 * pos, size, flags, order, mode and properties; links are six-element arrays; an API entry has
 * class_type, inputs and `_meta.title`. Subgraph definitions (`definitions.subgraphs`, nested) are its
 * zSubgraphDefinition: UUID ids for the definition and its inputs and outputs, revision, name,
 * version 1, a `state`, links as objects, input and output nodes with a bounding box. Extra keys are
 * allowed, as ComfyUI's `.passthrough()` does.
 */
import { z } from 'zod';

const nodeId = z.union([z.number().int(), z.string()]);
const slotIndex = z.union([z.number().int(), z.string().regex(/^\d+$/)]);
const slotType = z.union([z.string(), z.array(z.string()), z.number()]);
const vec2 = z.union([z.tuple([z.number(), z.number()]), z.looseObject({ 0: z.number(), 1: z.number() })]);

const inputSlot = z.looseObject({
  name: z.string(),
  type: slotType,
  link: z.number().nullable().optional(),
  slot_index: slotIndex.optional(),
});

const outputSlot = z.looseObject({
  name: z.string(),
  type: slotType,
  links: z.array(z.number()).nullable().optional(),
  slot_index: slotIndex.optional(),
});

const flags = z.looseObject({
  collapsed: z.boolean().optional(),
  pinned: z.boolean().optional(),
  allow_interaction: z.boolean().optional(),
  horizontal: z.boolean().optional(),
  skip_repeated_outputs: z.boolean().optional(),
});

const node = z.looseObject({
  id: nodeId,
  type: z.string(),
  pos: vec2,
  size: vec2,
  flags,
  order: z.number(),
  mode: z.number(),
  inputs: z.array(inputSlot).optional(),
  outputs: z.array(outputSlot).optional(),
  properties: z.looseObject({ 'Node name for S&R': z.string().optional() }),
  widgets_values: z.union([z.array(z.any()), z.record(z.string(), z.any())]).optional(),
  color: z.string().optional(),
  bgcolor: z.string().optional(),
});

const link = z.tuple([z.number(), nodeId, slotIndex, nodeId, slotIndex, slotType]);

const group = z.looseObject({
  title: z.string(),
  bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  color: z.string().optional(),
  font_size: z.number().optional(),
  locked: z.boolean().optional(),
});

const linkObject = z.looseObject({ id: z.number(), origin_id: nodeId, origin_slot: slotIndex, target_id: nodeId, target_slot: slotIndex, type: slotType, parentId: z.number().optional() });

/** A subgraph's input or output: a slot with a UUID (zod 3's loose `uuid()`, which is our `guid()`) and a string type. */
const subgraphSlot = inputSlot.extend({ id: z.guid(), type: z.string(), linkIds: z.array(z.number()).optional() });

const boundaryNode = z.object({ id: nodeId, bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]), pinned: z.boolean().optional() });

/** `definitions.subgraphs[]`: a schema-version-1 graph (links as objects, a `state`) with its boundary. */
interface SubgraphDefinitionJson {
  id: string;
  nodes: unknown[];
  definitions?: { subgraphs: SubgraphDefinitionJson[] };
  [key: string]: unknown;
}
const subgraphDefinition: z.ZodType<SubgraphDefinitionJson> = z.looseObject({
  id: z.guid(),
  revision: z.number(),
  name: z.string(),
  version: z.literal(1),
  state: z.looseObject({ lastGroupId: z.number(), lastNodeId: z.number(), lastLinkId: z.number(), lastRerouteId: z.number() }),
  config: z.looseObject({}).nullable().optional(),
  groups: z.array(group).optional(),
  nodes: z.array(node),
  links: z.array(linkObject).optional(),
  extra: z.looseObject({}).nullable().optional(),
  inputNode: boundaryNode,
  outputNode: boundaryNode,
  inputs: z.array(subgraphSlot).optional(),
  outputs: z.array(subgraphSlot).optional(),
  widgets: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
  get definitions() {
    return z.object({ subgraphs: z.array(subgraphDefinition) }).optional();
  },
});

export const comfyUiWorkflowSchema = z.looseObject({
  last_node_id: nodeId,
  last_link_id: z.number(),
  nodes: z.array(node),
  links: z.array(link),
  groups: z.array(group).optional(),
  config: z.looseObject({ links_ontop: z.boolean().optional(), align_to_grid: z.boolean().optional() }).nullable().optional(),
  extra: z.looseObject({ ds: z.looseObject({ scale: z.number(), offset: vec2 }).optional() }).nullable().optional(),
  version: z.number(),
  definitions: z.object({ subgraphs: z.array(subgraphDefinition) }).optional(),
});

export const comfyUiApiPromptSchema = z.record(
  z.string(),
  z.object({
    inputs: z.record(z.string(), z.any()),
    class_type: z.string(),
    _meta: z.object({ title: z.string() }),
  }),
);

export type ComfyUiWorkflowJson = z.infer<typeof comfyUiWorkflowSchema>;
