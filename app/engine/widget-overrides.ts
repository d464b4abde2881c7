/**
 * Widget values set from outside the workflow file (`scalecrafter run --set 3.steps=30`). Applied to
 * a copy after loading, so they work the same for our files and imported ComfyUI ones (which take
 * ComfyUI's field names too), and are then validated like any other value.
 */
import type { Issue, WidgetOverride, Workflow } from '../protocol/index.js';
import { comfyClassOf, ourInputName } from './comfyui/comfy-origin.js';

export function applyOverrides(workflow: Workflow, overrides: readonly WidgetOverride[]): { ok: true; workflow: Workflow } | { ok: false; issues: Issue[] } {
  if (overrides.length === 0) return { ok: true, workflow };
  const issues: Issue[] = [];
  const nodes = workflow.nodes.map((node) => ({ ...node, widgets: { ...node.widgets } }));
  for (const { nodeId, field, value } of overrides) {
    const node = nodes.find((candidate) => String(candidate.id) === nodeId);
    if (!node) {
      issues.push({ code: 'invalid_value', nodeId, field, message: `--set ${nodeId}.${field}: there is no node ${nodeId}`, hint: `node ids: ${nodes.map((n) => n.id).join(', ')}` });
      continue;
    }
    // An imported ComfyUI node also answers to ComfyUI's input names (ckpt_name for our model).
    const comfyClass = comfyClassOf(node);
    const widget = field in node.widgets || comfyClass === undefined ? field : ourInputName(comfyClass, field);
    if (!(widget in node.widgets)) {
      issues.push({
        code: 'unknown_input',
        nodeId,
        nodeType: node.type,
        field,
        message: `--set ${nodeId}.${field}: node ${nodeId} (${node.type}) has no widget "${field}"`,
        hint: `its widgets: ${Object.keys(node.widgets).join(', ') || 'none'}`,
      });
      continue;
    }
    node.widgets[widget] = value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, workflow: { ...workflow, nodes } };
}
