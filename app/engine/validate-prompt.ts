/**
 * Checks a prompt against the registry before anything runs, and reports every problem at once,
 * each on its node and field: unknown types, missing or mistyped inputs, values out of range or not
 * among the options, cycles, and a graph with nothing to output. Only nodes that some output node
 * needs are checked, so a half-built branch elsewhere on the canvas does not block a run; with no
 * output node at all, every node is.
 */
import {
  MAX_SEED,
  isPromptLink,
  linkTypeOf,
  type InputSpec,
  type Issue,
  type Prompt,
  type PromptNode,
  type WidgetInputSpec,
} from '../protocol/index.js';
import { ancestorsOf, topologicalOrder } from './graph-order.js';
import type { ModelFileChoices } from './node-definition.js';
import type { NodeRegistry } from './node-registry.js';

export interface ExecutionPlan {
  /** Every node the output nodes need, dependencies first. */
  order: string[];
  outputNodes: string[];
}

export type ValidationResult = { ok: true; plan: ExecutionPlan } | { ok: false; issues: Issue[] };

export function validatePrompt(prompt: Prompt, registry: NodeRegistry): ValidationResult {
  const outputNodes = Object.keys(prompt).filter((id) => registry.get(prompt[id]!.class_type)?.schema.outputNode);
  if (outputNodes.length === 0) {
    // Nothing tells which branch matters, so every node is checked: a missing output must not hide
    // an unknown type (perhaps the output node itself) or a bad value.
    const everything = planFor(prompt, registry, Object.keys(prompt));
    return {
      ok: false,
      issues: [
        { code: 'no_output_node', message: 'the workflow has no output node', hint: 'add a SaveImage or PreviewImage node and connect it' },
        ...(everything.ok ? [] : everything.issues),
      ],
    };
  }

  return planFor(prompt, registry, outputNodes);
}

/** Validates and orders `roots` and everything they depend on (the output nodes, for a run). */
export function planFor(prompt: Prompt, registry: NodeRegistry, roots: string[]): ValidationResult {
  const outputNodes = roots;
  const needed = ancestorsOf(prompt, roots);
  const issues: Issue[] = [];
  for (const id of needed) issues.push(...checkNode(prompt, id, registry));

  const ordered = topologicalOrder(prompt, needed);
  if (!ordered.ok) {
    const names = ordered.cycle.map((id) => `${id} (${prompt[id]!.class_type})`).join(' → ');
    for (const id of ordered.cycle) {
      issues.push({
        code: 'cycle',
        nodeId: id,
        nodeType: prompt[id]!.class_type,
        message: `node is part of a cycle: ${names} → ${ordered.cycle[0]}`,
        hint: 'remove one of the links in the loop',
      });
    }
  }
  if (issues.length > 0 || !ordered.ok) return { ok: false, issues };
  return { ok: true, plan: { order: ordered.order, outputNodes } };
}

function checkNode(prompt: Prompt, id: string, registry: NodeRegistry): Issue[] {
  const node = prompt[id]!;
  const where = { nodeId: id, nodeType: node.class_type };
  const definition = registry.get(node.class_type);
  if (!definition) {
    return [{ code: 'unknown_node_type', ...where, message: `unknown node type "${node.class_type}"`, hint: 'remove the node, or install the app version that provides it' }];
  }

  const issues: Issue[] = [];
  const literals: Record<string, unknown> = {};
  for (const spec of definition.schema.inputs) {
    const issue = checkInput(prompt, node, spec, registry) ?? checkModelFile(definition.modelFiles?.[spec.name], spec.name, node.inputs[spec.name]);
    if (issue) issues.push({ ...where, field: spec.name, ...issue });
    const value = node.inputs[spec.name];
    if (!issue && value !== undefined && !isPromptLink(value)) literals[spec.name] = value;
  }
  if (issues.length === 0 && definition.checkWidgets) {
    for (const problem of definition.checkWidgets(literals as never)) {
      issues.push({ code: 'invalid_value', ...where, ...problem });
    }
  }
  return issues;
}

type InputIssue = Pick<Issue, 'code' | 'message' | 'hint'>;

function checkInput(prompt: Prompt, node: PromptNode, spec: InputSpec, registry: NodeRegistry): InputIssue | null {
  const value = node.inputs[spec.name];
  if (value === undefined || value === null) {
    if (spec.optional) return null;
    return spec.kind === 'socket'
      ? { code: 'missing_input', message: `required input "${spec.name}" (${spec.type}) is not connected`, hint: `connect a ${spec.type} output to it` }
      : { code: 'missing_input', message: `required value "${spec.name}" is missing` };
  }
  if (isPromptLink(value)) return checkLink(prompt, value, spec, registry);
  if (spec.kind === 'socket') {
    return { code: 'wrong_type', message: `input "${spec.name}" needs a ${spec.type} connection, got the value ${JSON.stringify(value)}` };
  }
  return checkWidgetValue(spec, value);
}

function checkLink(prompt: Prompt, [originId, slot]: [string, number], spec: InputSpec, registry: NodeRegistry): InputIssue | null {
  const origin = prompt[originId];
  if (!origin) return { code: 'dangling_link', message: `input "${spec.name}" is linked to node ${originId}, which does not exist` };
  const originDefinition = registry.get(origin.class_type);
  if (!originDefinition) return null; // reported on the origin node itself
  const output = originDefinition.schema.outputs[slot];
  if (!output) {
    return { code: 'dangling_link', message: `input "${spec.name}" is linked to output ${slot} of node ${originId} (${origin.class_type}), which has only ${originDefinition.schema.outputs.length}` };
  }
  const wanted = linkTypeOf(spec);
  if (output.type !== wanted) {
    return {
      code: 'wrong_type',
      message: `input "${spec.name}" expects ${wanted} but is connected to ${output.type} output "${output.name}" of node ${originId} (${origin.class_type})`,
    };
  }
  return null;
}

function checkWidgetValue(spec: WidgetInputSpec, value: unknown): InputIssue | null {
  switch (spec.kind) {
    case 'INT':
    case 'SEED': {
      const [min, max] = spec.kind === 'SEED' ? [0, MAX_SEED] : [spec.min, spec.max];
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrongType(spec, 'an integer', value);
      return checkRange(spec.name, value, min, max);
    }
    case 'FLOAT':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType(spec, 'a number', value);
      return checkRange(spec.name, value, spec.min, spec.max);
    case 'STRING':
      return typeof value === 'string' ? null : wrongType(spec, 'text', value);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? null : wrongType(spec, 'true or false', value);
    case 'COMBO':
      if (typeof value !== 'string') return wrongType(spec, 'one of the listed options', value);
      return spec.options.includes(value)
        ? null
        : { code: 'not_in_options', message: `"${value}" is not a valid ${spec.name}`, hint: `choose one of: ${spec.options.join(', ')}` };
  }
}

/** A name a user can act on shows this many of the files there are, then a count of the rest. */
const SHOWN_CHOICES = 30;

/** ComfyUI's `value_not_in_list` for a widget naming a model file. A folder that cannot be listed is left to the node, which says why. */
function checkModelFile(files: ModelFileChoices | undefined, name: string, value: unknown): InputIssue | null {
  if (files === undefined || typeof value !== 'string') return null;
  let choices: readonly string[];
  let folders: readonly string[];
  try {
    if (files.has(value)) return null;
    choices = files.choices();
    folders = files.folders();
  } catch {
    return null;
  }
  const more = choices.length > SHOWN_CHOICES ? ` (and ${choices.length - SHOWN_CHOICES} more)` : '';
  return {
    code: 'not_in_options',
    message: `value not in list: ${name} "${value}" is not among the ${files.kind} in ${folders.join(', ')}`,
    hint: choices.length > 0 ? `choose one of: ${choices.slice(0, SHOWN_CHOICES).join(', ')}${more}` : `there are none yet: put the file into ${folders[0] ?? 'the models folder'}`,
  };
}

function wrongType(spec: WidgetInputSpec, expected: string, value: unknown): InputIssue {
  return { code: 'wrong_type', message: `"${spec.name}" must be ${expected}, got ${JSON.stringify(value)}` };
}

function checkRange(name: string, value: number, min: number, max: number): InputIssue | null {
  if (value >= min && value <= max) return null;
  return { code: 'out_of_range', message: `${name} = ${value} is out of range`, hint: `use a value from ${min} to ${max}` };
}
