/**
 * Our workflow → ComfyUI's API format (what its "Export (API)" writes and what a ComfyUI PNG's
 * `prompt` chunk holds): the prompt this app runs — muted nodes gone, bypassed ones wired through —
 * with ComfyUI's class types, input names, values and output slots. ComfyUI's frontend requires a
 * `_meta.title` on every entry.
 */
import { isPromptLink } from '../../protocol/index.js';
import type { Prompt, PromptLink, WidgetValue, Workflow } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import { flattenWorkflow } from '../workflow-to-prompt.js';
import { exportNode } from './export-node.js';
import type { ComfyUiExport } from './export-ui.js';

export interface ComfyApiEntry {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta: { title: string };
}

export type ComfyApiPrompt = Record<string, ComfyApiEntry>;

/** `ran`: the prompt a job ran (its file names' `%…%` replaced), when the export is for that job's PNG. */
export function exportComfyUiPrompt(workflow: Workflow, registry: NodeRegistry, ran?: Prompt): ComfyUiExport<ComfyApiPrompt> {
  // Nodes inside subgraphs have path ids ("40:6"); `sources` knows the node behind each.
  const flat = flattenWorkflow(workflow, registry);
  const { sources } = flat;
  const prompt = ran ?? flat.prompt;
  const exports = new Map(Object.keys(prompt).map((id) => [id, exportNode(sources.get(id)!, registry)]));
  const notes: string[] = [];
  const comfy: ComfyApiPrompt = {};
  for (const [id, entry] of Object.entries(prompt)) {
    const exported = exports.get(id)!;
    const literals: Record<string, WidgetValue> = {};
    const links: Record<string, PromptLink> = {};
    for (const [name, value] of Object.entries(entry.inputs)) {
      if (!isPromptLink(value)) {
        literals[name] = value;
        continue;
      }
      const comfyName = exported.inputName(name);
      const originSlot = exports.get(value[0])?.outputSlot(value[1]);
      if (comfyName === undefined || originSlot === undefined) {
        notes.push(`node ${id} (${entry.class_type}): input "${name}" has no counterpart in ComfyUI's form; left out of the API prompt`);
        continue;
      }
      links[comfyName] = [value[0], originSlot];
    }
    comfy[id] = {
      class_type: exported.comfyType,
      inputs: { ...exported.apiLiterals(literals), ...links },
      _meta: { title: entry._meta?.title ?? exported.defaultTitle },
    };
  }
  return { comfy, notes };
}
