/**
 * The schema of a node type: what the canvas draws, what the validator checks and what the executor
 * feeds to execute(). One description serves all three, so they cannot drift apart.
 */
import { z } from 'zod';

/** Sockets carry engine objects between nodes; they have no widget. */
export const SOCKET_TYPES = ['MODEL', 'CLIP', 'VAE', 'CONDITIONING', 'LATENT', 'IMAGE', 'MASK'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];

/** Primitive values: produced by utility nodes, and accepted by a widget that has been turned into an input. */
export const PRIMITIVE_TYPES = ['INT', 'FLOAT', 'STRING', 'BOOLEAN'] as const;
export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

export const VALUE_TYPES = [...SOCKET_TYPES, ...PRIMITIVE_TYPES] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const SEED_CONTROLS = ['randomize', 'fixed', 'increment', 'decrement'] as const;
export type SeedControl = (typeof SEED_CONTROLS)[number];

/** The largest seed ComfyUI accepts (2^64 − 1); JSON numbers lose precision above 2^53, so seeds are clamped there. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const common = {
  name: z.string().min(1),
  optional: z.boolean().optional(),
  tooltip: z.string().optional(),
};
const widgetCommon = {
  ...common,
  /** Shown as an input socket from the start instead of a widget (ComfyUI's forceInput). */
  forceInput: z.boolean().optional(),
};

export const socketInputSchema = z.object({ ...common, kind: z.literal('socket'), type: z.enum(SOCKET_TYPES) });
export const intInputSchema = z.object({
  ...widgetCommon,
  kind: z.literal('INT'),
  default: z.number().int(),
  min: z.number().int(),
  max: z.number().int(),
  step: z.number().int().positive(),
  /**
   * An integer with an after-queue control, as ComfyUI's `control_after_generate` on an INT (its
   * PrimitiveInt): the control's starting value. Absent: the integer has no control.
   */
  controlDefault: z.enum(SEED_CONTROLS).optional(),
});
export const floatInputSchema = z.object({
  ...widgetCommon,
  kind: z.literal('FLOAT'),
  default: z.number(),
  min: z.number(),
  max: z.number(),
  step: z.number().positive(),
});
export const stringInputSchema = z.object({
  ...widgetCommon,
  kind: z.literal('STRING'),
  default: z.string(),
  multiline: z.boolean(),
  /** Values offered in a drop-down while any other text stays allowed (model folders, say). */
  suggestions: z.array(z.string()).readonly().optional(),
  /**
   * The value names one of the engine's models (the `models` request's list, read afresh when the
   * widget opens): the canvas shows a drop-down of them and marks a name it does not list as missing.
   */
  modelList: z.enum(['checkpoints']).optional(),
});
export const booleanInputSchema = z.object({ ...widgetCommon, kind: z.literal('BOOLEAN'), default: z.boolean() });
export const comboInputSchema = z.object({
  ...widgetCommon,
  kind: z.literal('COMBO'),
  options: z.array(z.string()).min(1).readonly(),
  default: z.string(),
});
/** A seed is an INT whose after-run control (randomize, fixed, …) lives beside it and is never executed. */
export const seedInputSchema = z.object({
  ...widgetCommon,
  kind: z.literal('SEED'),
  default: z.number().int().min(0),
  controlDefault: z.enum(SEED_CONTROLS),
});

export const inputSpecSchema = z.discriminatedUnion('kind', [
  socketInputSchema,
  intInputSchema,
  floatInputSchema,
  stringInputSchema,
  booleanInputSchema,
  comboInputSchema,
  seedInputSchema,
]);
export type InputSpec = z.infer<typeof inputSpecSchema>;
export type SocketInputSpec = z.infer<typeof socketInputSchema>;
export type WidgetInputSpec = Exclude<InputSpec, SocketInputSpec>;
export type WidgetKind = WidgetInputSpec['kind'];

export const outputSpecSchema = z.object({ name: z.string().min(1), type: z.enum(VALUE_TYPES), tooltip: z.string().optional() });
export type OutputSpec = z.infer<typeof outputSpecSchema>;

/**
 * Side editors a node can open when selected. 'dilation-schedule': the ScaleCrafter patch nodes whose
 * widgets shape the per-step dilation table; the renderer shows the table the Sampler will run.
 * 'painted-schedule': the same panel, and the heat map edits the node's painted schedule widget
 * (app/protocol/painted-schedule.ts).
 */
export const NODE_EDITORS = ['dilation-schedule', 'painted-schedule'] as const;
export type NodeEditor = (typeof NODE_EDITORS)[number];

export const nodeSchemaSchema = z.object({
  /** Stable id written into workflow files; never shown, never renamed. */
  type: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  displayName: z.string().min(1),
  category: z.string().min(1),
  description: z.string().min(1),
  /** Bumped when stored widget values change meaning; migrations upgrade older nodes. */
  version: z.number().int().positive(),
  /** Output nodes are what a run is for: the executor runs only their ancestors. */
  outputNode: z.boolean(),
  /** Non-idempotent nodes (random draws, reading files that may change) re-run every time. */
  idempotent: z.boolean(),
  inputs: z.array(inputSpecSchema),
  outputs: z.array(outputSpecSchema),
  /** The side editor selecting this node opens, if any; the engine declares it, the renderer obeys. */
  editor: z.enum(NODE_EDITORS).optional(),
  /**
   * ComfyUI's class names and default titles of the nodes this one stands in for (KSampler,
   * "CLIP Text Encode (Prompt)"), so node search finds it by the names a ComfyUI user types.
   * Filled in by the engine from its ComfyUI import map, never declared by a node.
   */
  comfyNames: z.array(z.string()).optional(),
});
export type NodeSchema = z.infer<typeof nodeSchemaSchema>;

export const opensEditor = (schema: NodeSchema | undefined, editor: NodeEditor): boolean => schema?.editor === editor;

export const isWidget = (spec: InputSpec): spec is WidgetInputSpec => spec.kind !== 'socket';

/** The control an input starts with when it has one (a seed always; an INT that declares one). */
export function controlDefaultOf(spec: InputSpec): SeedControl | undefined {
  return spec.kind === 'SEED' || spec.kind === 'INT' ? spec.controlDefault : undefined;
}

/** The value type a link must carry to feed this input (a widget converted to an input takes its primitive). */
export function linkTypeOf(spec: InputSpec): ValueType {
  switch (spec.kind) {
    case 'socket':
      return spec.type;
    case 'SEED':
    case 'INT':
      return 'INT';
    case 'COMBO':
      return 'STRING';
    default:
      return spec.kind;
  }
}
