/**
 * What an output file embeds so that either app can open the graph that made it: ComfyUI's `workflow`
 * (UI format) and `prompt` (API format) under ComfyUI's names — ComfyUI's frontend reads exactly
 * those two tEXt keywords from a dropped PNG, `workflow` first — and our own workflow under
 * OWN_WORKFLOW_CHUNK, which this app prefers, so nothing ComfyUI's form cannot hold is lost.
 */
import { OWN_WORKFLOW_CHUNK } from '../protocol/index.js';
import type { Prompt, Workflow } from '../protocol/index.js';
import { exportComfyUiPrompt } from './comfyui/export-api.js';
import { exportComfyUiWorkflow } from './comfyui/export-ui.js';
import type { NodeRegistry } from './node-registry.js';

/** Chunk keyword → the JSON value it holds. */
export type EmbeddedWorkflow = Readonly<Record<string, unknown>>;

/** `ran`: the prompt the job ran, which `prompt` holds as ComfyUI's PNGs do (file names replaced, the workflow's `%…%` kept). */
export function embeddedWorkflow(workflow: Workflow, registry: NodeRegistry, ran?: Prompt): EmbeddedWorkflow {
  return {
    prompt: exportComfyUiPrompt(workflow, registry, ran).comfy,
    workflow: exportComfyUiWorkflow(workflow, registry).comfy,
    [OWN_WORKFLOW_CHUNK]: workflow,
  };
}
