/**
 * A node imported from ComfyUI remembers its ComfyUI class (in `properties.comfyui_class`), so that
 * what is said about it can use the names the user knows from the file — `node 4
 * (CheckpointLoaderSimple), field "ckpt_name"` rather than our LoadCheckpoint's "model" — and so that
 * `--set 4.ckpt_name=…` finds the widget. Nodes kept under their ComfyUI type need nothing: their
 * type and input names are ComfyUI's already.
 */
import type { Issue, WorkflowNode } from '../../protocol/index.js';
import { COMFY_NODE_MAP } from './node-map.js';

export const COMFY_CLASS_PROPERTY = 'comfyui_class';

export function comfyClassOf(node: WorkflowNode): string | undefined {
  const value = node.properties[COMFY_CLASS_PROPERTY];
  return typeof value === 'string' && COMFY_NODE_MAP.get(value)?.ourType === node.type ? value : undefined;
}

/** Our input for ComfyUI's input `comfyName` on a node of `comfyClass`. */
export function ourInputName(comfyClass: string, comfyName: string): string {
  return COMFY_NODE_MAP.get(comfyClass)?.renamedInputs[comfyName] ?? comfyName;
}

/** ComfyUI's input for our input `ourName` on a node imported from `comfyClass`. */
export function comfyInputName(comfyClass: string, ourName: string): string {
  const renamed = Object.entries(COMFY_NODE_MAP.get(comfyClass)?.renamedInputs ?? {}).find(([, ours]) => ours === ourName);
  return renamed?.[0] ?? ourName;
}

/** Issues about nodes imported from ComfyUI, named by ComfyUI's class and input; `sources` maps prompt ids to nodes. */
export function inComfyUiTerms(issues: readonly Issue[], sources: ReadonlyMap<string, WorkflowNode>): Issue[] {
  return issues.map((issue) => {
    const node = issue.nodeId === undefined ? undefined : sources.get(issue.nodeId);
    const comfyClass = node && comfyClassOf(node);
    if (comfyClass === undefined) return issue;
    return { ...issue, nodeType: comfyClass, ...(issue.field === undefined ? {} : { field: comfyInputName(comfyClass, issue.field) }) };
  });
}
