/**
 * Our values that a ComfyUI node cannot hold travel in one node property, which ComfyUI keeps as it is
 * (a missing node is saved back untouched; a known node's properties are carried through): all the
 * values of a node of ours with no counterpart, and the widgets a counterpart lacks (Sampler's eta).
 * An import reads them back by name, at the node-type version that wrote them.
 */
import { z } from 'zod';
import { SEED_CONTROLS } from '../../protocol/index.js';

export const OWN_VALUES_PROPERTY = 'scalecrafter';

const ownValuesSchema = z.object({
  /** Our node type, so values are never applied to a node the user replaced in ComfyUI. */
  type: z.string(),
  version: z.number().int().positive(),
  widgets: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  widget_controls: z.record(z.string(), z.enum(SEED_CONTROLS)),
});

export type OwnValues = z.infer<typeof ownValuesSchema>;

/** The values stored for a node of type `ourType`, or undefined when it carries none (or unreadable ones). */
export function readOwnValues(properties: Record<string, unknown>, ourType: string): OwnValues | undefined {
  const parsed = ownValuesSchema.safeParse(properties[OWN_VALUES_PROPERTY]);
  return parsed.success && parsed.data.type === ourType ? parsed.data : undefined;
}
