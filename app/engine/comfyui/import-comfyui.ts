/**
 * Opens a ComfyUI workflow — either format — as a workflow of ours. Nodes with a counterpart are
 * translated; the others are kept under their ComfyUI type, with their links and values, and listed
 * by name so the user learns what will not run rather than finding it missing.
 */
import type { Issue, Workflow } from '../../protocol/index.js';
import type { NodeRegistry } from '../node-registry.js';
import type { JsonObject } from '../migrations/litegraph-layout.js';
import { detectComfyUiFormat } from './detect-format.js';
import type { ComfyUiFormat } from './detect-format.js';
import type { ImportReport } from './imported-node.js';
import { importComfyUiPrompt } from './import-api.js';
import { importComfyUiGraph } from './import-ui.js';

export type ComfyUiImport =
  | {
      ok: true;
      format: ComfyUiFormat;
      workflow: Workflow;
      /** ComfyUI node types with no counterpart here, each once, sorted; their nodes are kept. */
      unknownTypes: string[];
      /** What was translated or kept, for an "imported from ComfyUI" notice. */
      notes: string[];
      /** Problems the user must look at before the workflow runs (values that could not be read, links dropped). */
      issues: Issue[];
    }
  | { ok: false; issues: Issue[] };

export function importComfyUi(json: unknown, registry: NodeRegistry): ComfyUiImport {
  const format = detectComfyUiFormat(json);
  if (format === null) {
    return {
      ok: false,
      issues: [
        {
          code: 'invalid_workflow',
          message: 'this is not a ComfyUI workflow: neither its UI format (nodes and links) nor its API format ({ id: { class_type, inputs } })',
          hint: 'In ComfyUI, use Workflow → Save, or Export (API).',
        },
      ],
    };
  }
  const report: ImportReport = { notes: [], issues: [] };
  const graph = format === 'ui' ? importComfyUiGraph(json as JsonObject, registry, report) : importComfyUiPrompt(json as JsonObject, registry, report);
  return { ok: true, format, ...graph, ...report };
}
