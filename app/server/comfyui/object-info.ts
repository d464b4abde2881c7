/**
 * GET /object_info in ComfyUI's shape (server.py `node_info`): every node type once under its own
 * name, and once more under ComfyUI's class name for each type the import map translates
 * (CheckpointLoaderSimple, KSampler, CLIPTextEncode…), with ComfyUI's input names and output order,
 * so a client that builds or checks an API-format prompt from this listing gets one that runs here.
 */
import { COMFY_SAMPLER_NAMES } from '../../diffusion/schedulers/index.js';
import { COMFY_NODE_MAP, type ComfyNodeMapping } from '../../engine/comfyui/node-map.js';
import { MAX_SEED, type InputSpec, type NodeSchema } from '../../protocol/index.js';

/** ComfyUI's spec of one input: [type] or [type, options], a combo as [[choices], options]. */
export type ComfyInputSpec = [string | string[]] | [string | string[], Record<string, unknown>];

export interface ComfyNodeInfo {
  input: { required: Record<string, ComfyInputSpec>; optional?: Record<string, ComfyInputSpec> };
  input_order: { required: string[]; optional?: string[] };
  output: string[];
  output_is_list: boolean[];
  output_name: string[];
  name: string;
  display_name: string;
  description: string;
  python_module: string;
  category: string;
  output_node: boolean;
}

/** What this server lists: its own schemas by type, and ComfyUI's names for the mapped ones. */
export function comfyObjectInfo(schemas: readonly NodeSchema[]): Record<string, ComfyNodeInfo> {
  const byType = new Map(schemas.map((schema) => [schema.type, schema]));
  const info: Record<string, ComfyNodeInfo> = {};
  for (const schema of schemas) info[schema.type] = nodeInfo(schema, schema.type, schema.displayName, identityNames(schema));
  for (const mapping of COMFY_NODE_MAP.values()) {
    const schema = byType.get(mapping.ourType);
    if (schema) info[mapping.comfyType] = mappedNodeInfo(schema, mapping);
  }
  return info;
}

interface NamedInput {
  name: string;
  spec: InputSpec;
  optional: boolean;
  options?: readonly string[];
}

function identityNames(schema: NodeSchema): NamedInput[] {
  return schema.inputs.map((spec) => ({ name: spec.name, spec, optional: spec.optional === true }));
}

function nodeInfo(schema: NodeSchema, name: string, displayName: string, inputs: readonly NamedInput[], outputs: readonly { type: string; name: string }[] = schema.outputs): ComfyNodeInfo {
  const required = inputs.filter((input) => !input.optional);
  const optional = inputs.filter((input) => input.optional);
  const specs = (list: readonly NamedInput[]) => Object.fromEntries(list.map((input) => [input.name, comfyInputSpec(input.spec, input.options)]));
  return {
    input: { required: specs(required), ...(optional.length > 0 ? { optional: specs(optional) } : {}) },
    input_order: { required: required.map((input) => input.name), ...(optional.length > 0 ? { optional: optional.map((input) => input.name) } : {}) },
    output: outputs.map((output) => output.type),
    output_is_list: outputs.map(() => false),
    output_name: outputs.map((output) => output.name),
    name,
    display_name: displayName,
    description: schema.description,
    python_module: 'nodes',
    category: schema.category,
    output_node: schema.outputNode,
  };
}

/**
 * Under ComfyUI's name: ComfyUI's input names, its outputs in its slot order, and the choices its
 * values take (sampler_name lists ComfyUI's sampler names). Widgets ComfyUI's node lacks are
 * optional: a prompt written for ComfyUI leaves them out and they take their defaults.
 */
function mappedNodeInfo(schema: NodeSchema, mapping: ComfyNodeMapping): ComfyNodeInfo {
  const comfyNameOf = new Map(Object.entries(mapping.renamedInputs).map(([comfy, ours]) => [ours, comfy]));
  const comfyWidgets = new Set(mapping.widgets.map((widget) => widget.name));
  const inputs = schema.inputs.map((spec): NamedInput => {
    const name = comfyNameOf.get(spec.name) ?? spec.name;
    const convert = mapping.convert?.[spec.name];
    const options = spec.kind === 'COMBO' && convert ? comfyChoices(spec.options, convert) : undefined;
    const foreignWidget = spec.kind !== 'socket' && !comfyWidgets.has(name);
    return { name, spec, optional: spec.optional === true || foreignWidget, ...(options ? { options } : {}) };
  });
  return nodeInfo(schema, mapping.comfyType, mapping.comfyTitle, inputs, producedOutputs(schema, mapping));
}

/**
 * ComfyUI's outputs up to the first one this node cannot produce (LoadImage's MASK): listing it would
 * invite a link that cannot run, and dropping one in the middle would shift the slots after it.
 */
function producedOutputs(schema: NodeSchema, mapping: ComfyNodeMapping): { type: string; name: string }[] {
  const ours = new Set<string>(schema.outputs.map((output) => output.type));
  const missing = mapping.outputs.findIndex((type) => !ours.has(type));
  return mapping.outputs.slice(0, missing < 0 ? undefined : missing).map((type) => ({ type, name: type }));
}

/** The ComfyUI values a converted combo accepts: the known ComfyUI names and ours that convert without loss. */
function comfyChoices(ours: readonly string[], convert: NonNullable<ComfyNodeMapping['convert']>[string]): string[] {
  const candidates = new Set([...Object.keys(COMFY_SAMPLER_NAMES), ...ours]);
  return [...candidates].filter((candidate) => convert(candidate).note === undefined);
}

export function comfyInputSpec(spec: InputSpec, options?: readonly string[]): ComfyInputSpec {
  const extra: Record<string, unknown> = {};
  if (spec.tooltip !== undefined) extra.tooltip = spec.tooltip;
  if (spec.kind !== 'socket' && spec.forceInput) extra.forceInput = true;
  switch (spec.kind) {
    case 'socket':
      return Object.keys(extra).length > 0 ? [spec.type, extra] : [spec.type];
    case 'INT':
      // `true`, not the default control's name: ComfyUI's frontend reads a string there as the control widget's name.
      if (spec.controlDefault !== undefined) extra.control_after_generate = true;
      return [spec.kind, { default: spec.default, min: spec.min, max: spec.max, step: spec.step, ...extra }];
    case 'FLOAT':
      return [spec.kind, { default: spec.default, min: spec.min, max: spec.max, step: spec.step, ...extra }];
    case 'SEED':
      return ['INT', { default: spec.default, min: 0, max: MAX_SEED, control_after_generate: true, ...extra }];
    case 'BOOLEAN':
      return ['BOOLEAN', { default: spec.default, ...extra }];
    case 'COMBO':
      return [[...(options ?? spec.options)], { default: spec.default, ...extra }];
    case 'STRING':
      // ComfyUI lists model files as a combo; other text stays free.
      return spec.suggestions && spec.suggestions.length > 0
        ? [[...spec.suggestions], { default: spec.default, ...extra }]
        : ['STRING', { default: spec.default, multiline: spec.multiline, ...extra }];
  }
}
