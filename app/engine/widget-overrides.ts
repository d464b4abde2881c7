/**
 * Widget values set from outside the workflow file (`scalecrafter run --set 3.steps=30`). Applied to
 * a copy after loading, so they work the same for our files and imported ComfyUI ones (which take
 * ComfyUI's field names too), and are then validated like any other value. Inside subgraphs (as
 * ComfyUI's frontend keeps them, subgraph-values.ts): `40:6.seed` sets inner node 6 of instance 40's
 * definition, `40.seed` the value instance 40 holds for its promoted input `seed`.
 */
import type { Issue, WidgetOverride, Workflow, WorkflowNode } from '../protocol/index.js';
import { comfyClassOf, ourInputName } from './comfyui/comfy-origin.js';
import { promotedIndex, withInnerWidget, withPromotedValue } from './subgraph-values.js';

export function applyOverrides(workflow: Workflow, overrides: readonly WidgetOverride[]): { ok: true; workflow: Workflow } | { ok: false; issues: Issue[] } {
  if (overrides.length === 0) return { ok: true, workflow };
  const issues: Issue[] = [];
  let current = workflow;
  for (const override of overrides) {
    const result = override.nodeId.includes(':') ? innerOverride(current, override) : nodeOverride(current, override);
    if ('issue' in result) issues.push(result.issue);
    else current = result.workflow;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, workflow: current };
}

type Outcome = { workflow: Workflow } | { issue: Issue };

function nodeOverride(workflow: Workflow, { nodeId, field, value }: WidgetOverride): Outcome {
  const node = workflow.nodes.find((candidate) => String(candidate.id) === nodeId);
  if (!node) return { issue: { code: 'invalid_value', nodeId, field, message: `--set ${nodeId}.${field}: there is no node ${nodeId}`, hint: `node ids: ${workflow.nodes.map((n) => n.id).join(', ')}` } };
  // An imported ComfyUI node also answers to ComfyUI's input names (ckpt_name for our model).
  const comfyClass = comfyClassOf(node);
  const widget = field in node.widgets || comfyClass === undefined ? field : ourInputName(comfyClass, field);
  const replace = (changed: WorkflowNode): Outcome => ({ workflow: { ...workflow, nodes: workflow.nodes.map((candidate) => (candidate === node ? changed : candidate)) } });
  if (widget in node.widgets) return replace({ ...node, widgets: { ...node.widgets, [widget]: value } });
  const promoted = promotedIndex(node, field);
  if (promoted >= 0) return replace(withPromotedValue(node, promoted, value));
  return {
    issue: {
      code: 'unknown_input',
      nodeId,
      nodeType: node.type,
      field,
      message: `--set ${nodeId}.${field}: node ${nodeId} (${node.type}) has no widget "${field}"`,
      hint: `its widgets: ${Object.keys(node.widgets).join(', ') || 'none'}`,
    },
  };
}

function innerOverride(workflow: Workflow, { nodeId, field, value }: WidgetOverride): Outcome {
  const path = nodeId.split(':').map(Number);
  const result = path.every(Number.isInteger) ? withInnerWidget(workflow, path, field, value) : `${nodeId} is not a path of node ids`;
  if (typeof result !== 'string') return { workflow: result };
  return { issue: { code: 'invalid_value', nodeId, field, message: `--set ${nodeId}.${field}: ${result}`, hint: 'name a node inside a subgraph by its instance ids and its own id, as ComfyUI\'s execution ids: 40:6' } };
}
