/**
 * The workflow file: what users save, share and find embedded in every PNG.
 *
 * The layout is litegraph's (nodes with id/type/pos/size/inputs/outputs/mode, links, groups, extra)
 * so litegraph can configure a canvas from it, with two changes that make files robust to schema
 * growth: widget values are stored by name (`widgets`), not by position, and each node records its
 * node-type version so migrations can upgrade it. Unknown keys are kept (loose objects): a colour or
 * a property written by a newer version must survive a load/save round trip.
 */
import { z } from 'zod';
import { SEED_CONTROLS } from './node-schema.js';

export const WORKFLOW_FORMAT = 'scalecrafter-workflow';
/**
 * The PNG tEXt keyword under which images this app writes carry our workflow; `workflow` and `prompt`
 * hold ComfyUI's forms. Images written before ComfyUI's forms were added hold ours in `workflow`.
 */
export const OWN_WORKFLOW_CHUNK = 'scalecrafter-workflow';
/** Version 0 is litegraph's own serialisation (positional widgets_values, array links); 1 stores widgets by name. */
export const WORKFLOW_VERSION = 1;

/** litegraph node modes: 0 always, 2 never (muted), 4 bypass (ComfyUI's extension). */
export const NODE_MODES = { always: 0, never: 2, bypass: 4 } as const;

const vec2 = z.tuple([z.number(), z.number()]);
const widgetValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const workflowInputSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().min(1),
  link: z.number().int().nullable(),
});
export const workflowOutputSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().min(1),
  links: z.array(z.number().int()).nullable().default([]),
});

export const workflowNodeSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  type: z.string().min(1),
  version: z.number().int().positive().default(1),
  title: z.string().optional(),
  pos: vec2,
  size: vec2,
  mode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(0),
  inputs: z.array(workflowInputSchema).default([]),
  outputs: z.array(workflowOutputSchema).default([]),
  widgets: z.record(z.string(), widgetValue).default({}),
  widget_controls: z.record(z.string(), z.enum(SEED_CONTROLS)).default({}),
  properties: z.record(z.string(), z.unknown()).default({}),
});

export const workflowLinkSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  origin_id: z.number().int().nonnegative(),
  origin_slot: z.number().int().nonnegative(),
  target_id: z.number().int().nonnegative(),
  target_slot: z.number().int().nonnegative(),
  type: z.string().min(1),
});

export const workflowGroupSchema = z.looseObject({
  title: z.string(),
  bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  color: z.string().optional(),
});

export const workflowSchema = z.looseObject({
  format: z.literal(WORKFLOW_FORMAT),
  version: z.literal(WORKFLOW_VERSION),
  last_node_id: z.number().int().nonnegative(),
  last_link_id: z.number().int().nonnegative(),
  nodes: z.array(workflowNodeSchema),
  links: z.array(workflowLinkSchema),
  groups: z.array(workflowGroupSchema).default([]),
  extra: z.record(z.string(), z.unknown()).default({}),
});

export type Workflow = z.infer<typeof workflowSchema>;
export type WorkflowNode = z.infer<typeof workflowNodeSchema>;
export type WorkflowLink = z.infer<typeof workflowLinkSchema>;
export type WorkflowGroup = z.infer<typeof workflowGroupSchema>;
export type WidgetValue = z.infer<typeof widgetValue>;
