/**
 * The executable form of a workflow: what the engine runs, what a PNG's `prompt` chunk records, and
 * what ComfyUI calls the API format. Layout and UI state are gone; every input is either a literal
 * value or a reference to another node's output slot.
 */
import { z } from 'zod';

const linkRef = z.tuple([z.string().min(1), z.number().int().nonnegative()]);
const literal = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const promptNodeSchema = z.object({
  class_type: z.string().min(1),
  /** Node-type version the values were written for; absent in ComfyUI files. */
  version: z.number().int().positive().optional(),
  /** A two-element [nodeId, slot] array is a link, as in ComfyUI's API format. */
  inputs: z.record(z.string(), z.union([linkRef, literal])),
  _meta: z.object({ title: z.string() }).partial().optional(),
});
export const promptSchema = z.record(z.string().min(1), promptNodeSchema);

export type PromptNode = z.infer<typeof promptNodeSchema>;
export type Prompt = z.infer<typeof promptSchema>;
export type PromptLink = z.infer<typeof linkRef>;
export type PromptLiteral = z.infer<typeof literal>;

export const isPromptLink = (value: unknown): value is PromptLink =>
  Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isInteger(value[1]);
