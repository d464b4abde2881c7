/**
 * The engine's validation issues as ComfyUI reports a prompt it will not queue (execution.py
 * `validate_prompt`): a top-level `error` {type, message, details, extra_info} and `node_errors`
 * keyed by the client's node ids, each {errors: [{type, message, details, extra_info}],
 * dependent_outputs, class_type}, with ComfyUI's error types and input names.
 */
import { COMFY_NODE_MAP } from '../../engine/comfyui/node-map.js';
import { isPromptLink, type Issue, type IssueCode } from '../../protocol/index.js';
import type { ClientPrompt } from './client-prompt.js';
import type { ComfyNodeInfo } from './object-info.js';

export interface ComfyError {
  type: string;
  message: string;
  details: string;
  extra_info: Record<string, unknown>;
}

export interface ComfyNodeErrors {
  errors: ComfyError[];
  dependent_outputs: string[];
  class_type: string;
}

export interface ComfyPromptRejection {
  error: ComfyError;
  node_errors: Record<string, ComfyNodeErrors>;
}

const NODE_ERROR_TYPES: Partial<Record<IssueCode, string>> = {
  missing_input: 'required_input_missing',
  wrong_type: 'return_type_mismatch',
  not_in_options: 'value_not_in_list',
  invalid_value: 'custom_validation_failed',
  dangling_link: 'bad_linked_input',
  unknown_input: 'custom_validation_failed',
  cycle: 'dependency_cycle',
};

const problem = (type: string, message: string, details = '', extra_info: Record<string, unknown> = {}): ComfyError => ({ type, message, details, extra_info });

export interface RejectionContext {
  /** The prompt as the client sent it. */
  prompt: unknown;
  client: ClientPrompt;
  /** The client's ids of the prompt's output nodes (for dependent_outputs). */
  outputNodes: readonly string[];
  objectInfo: Readonly<Record<string, ComfyNodeInfo>>;
}

export function comfyRejection(issues: readonly Issue[], context: RejectionContext): ComfyPromptRejection {
  const { prompt, client, outputNodes } = context;
  if (issues.some((issue) => issue.code === 'no_output_node')) return { error: problem('prompt_no_outputs', 'Prompt has no outputs'), node_errors: {} };
  const whole = issues.find((issue) => issue.nodeId === undefined || issue.code === 'unknown_node_type' || issue.code === 'invalid_workflow' || issue.code === 'malformed_json');
  if (whole) {
    const id = whole.nodeId === undefined ? undefined : client.clientIds.get(whole.nodeId) ?? whole.nodeId;
    return { error: problem('invalid_prompt', describe(whole), id === undefined ? '' : `Node ID '#${id}'`), node_errors: {} };
  }
  const nodeErrors: Record<string, ComfyNodeErrors> = {};
  for (const issue of issues) {
    const id = client.clientIds.get(issue.nodeId!) ?? issue.nodeId!;
    const classType = client.classTypes.get(id) ?? issue.nodeType ?? '';
    const inputName = issue.field === undefined ? undefined : clientInputName(classType, issue.field);
    const entry = (nodeErrors[id] ??= { errors: [], dependent_outputs: dependentOutputs(prompt, id, outputNodes), class_type: classType });
    const bounds = inputName === undefined ? {} : inputOptions(context.objectInfo[classType], inputName);
    entry.errors.push(nodeError(issue, inputName, valueOf(prompt, id, inputName), bounds));
  }
  const details = Object.values(nodeErrors).flatMap((entry) => entry.errors.map((error) => `${error.message}: ${error.details}`)).join('\n');
  return { error: problem('prompt_outputs_failed_validation', 'Prompt outputs failed validation', details), node_errors: nodeErrors };
}

function nodeError(issue: Issue, inputName: string | undefined, value: unknown, bounds: { min?: unknown; max?: unknown }): ComfyError {
  const extra = inputName === undefined ? {} : { input_name: inputName, ...(value === undefined ? {} : { received_value: value }) };
  if (issue.code === 'missing_input') return problem('required_input_missing', 'Required input is missing', inputName ?? '', extra);
  if (issue.code === 'out_of_range') {
    // ComfyUI names which bound was crossed.
    const below = typeof value === 'number' && typeof bounds.min === 'number' && value < bounds.min;
    return below
      ? problem('value_smaller_than_min', `Value ${String(value)} smaller than min of ${String(bounds.min)}`, inputName ?? '', extra)
      : problem('value_bigger_than_max', `Value ${String(value)} bigger than max of ${String(bounds.max)}`, inputName ?? '', extra);
  }
  const type = NODE_ERROR_TYPES[issue.code] ?? 'custom_validation_failed';
  return problem(type, describe(issue), inputName === undefined ? '' : `${inputName} - ${issue.message}`, extra);
}

const describe = (issue: Issue) => (issue.hint ? `${issue.message}. ${issue.hint}` : issue.message);

/** Our field name as the client's class type spells it (KSampler's sampler_name for our sampler). */
function clientInputName(classType: string, field: string): string {
  const renamed = COMFY_NODE_MAP.get(classType)?.renamedInputs ?? {};
  return Object.entries(renamed).find(([, ours]) => ours === field)?.[0] ?? field;
}

function inputOptions(info: ComfyNodeInfo | undefined, inputName: string): { min?: unknown; max?: unknown } {
  const spec = info?.input.required[inputName] ?? info?.input.optional?.[inputName];
  return spec?.[1] ?? {};
}

function valueOf(prompt: unknown, id: string, inputName: string | undefined): unknown {
  if (inputName === undefined || typeof prompt !== 'object' || prompt === null) return undefined;
  const inputs = (prompt as Record<string, { inputs?: Record<string, unknown> }>)[id]?.inputs;
  return inputs?.[inputName];
}

/** The output nodes that take `id`'s results, directly or through other nodes. */
function dependentOutputs(prompt: unknown, id: string, outputNodes: readonly string[]): string[] {
  const nodes = (typeof prompt === 'object' && prompt !== null ? prompt : {}) as Record<string, { inputs?: Record<string, unknown> }>;
  return outputNodes.filter((output) => {
    const seen = new Set<string>();
    const stack = [output];
    while (stack.length > 0) {
      const current = stack.pop()!;
      if (current === id) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      for (const value of Object.values(nodes[current]?.inputs ?? {})) if (isPromptLink(value)) stack.push(value[0]);
    }
    return false;
  });
}
