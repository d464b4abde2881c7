/**
 * Any workflow JSON a user can hand us → a current-version Workflow, or issues saying what is wrong
 * and where. Accepts our own files of every version, and ComfyUI files in its UI and API formats.
 */
import { z } from 'zod';
import { formatIssue, isFrontendOnlyType, workflowSchema, type Issue, type Workflow } from '../protocol/index.js';
import { detectComfyUiFormat } from './comfyui/detect-format.js';
import { subgraphDefinitions } from './subgraph-definitions.js';
import { importComfyUi } from './comfyui/import-comfyui.js';
import { migrateWorkflow } from './migrations/migrate-workflow.js';
import { MAX_WORKFLOW_NESTING, pathBeyondNesting } from './nesting-limit.js';
import { upgradeNodeVersions } from './migrations/node-version-migrations.js';
import type { NodeRegistry } from './node-registry.js';

export type LoadResult =
  | { ok: true; workflow: Workflow; notes: string[]; unknownTypes: string[] }
  | { ok: false; issues: Issue[] };

export function parseWorkflowText(text: string, registry: NodeRegistry): LoadResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const truncated = text.trim().length > 0 && /end of (JSON )?input|Unterminated/i.test(detail);
    return {
      ok: false,
      issues: [{
        code: 'malformed_json',
        message: `the file is not valid JSON: ${detail}`,
        hint: truncated ? 'the file looks truncated; was it fully saved or downloaded?' : 'open it in a text editor to find the syntax error',
      }],
    };
  }
  return loadWorkflow(json, registry);
}

export function loadWorkflow(json: unknown, registry: NodeRegistry): LoadResult {
  if (!isObject(json)) {
    return { ok: false, issues: [{ code: 'invalid_workflow', message: `a workflow must be a JSON object, got ${describe(json)}` }] };
  }
  const tooDeep = pathBeyondNesting(json);
  if (tooDeep) {
    // The path's first steps are enough to find the value; the rest would be thousands of indices.
    const issue = issueAtPath(tooDeep.slice(0, 4), `nests values more than ${MAX_WORKFLOW_NESTING} levels deep`, json);
    return { ok: false, issues: [{ ...issue, hint: 'the file is damaged; open it in a text editor or re-export it' }] };
  }
  if (detectComfyUiFormat(json)) {
    const imported = importComfyUi(json, registry);
    if (!imported.ok) return imported;
    // Nodes of ours that went through ComfyUI keep the version that wrote their values.
    const upgraded = upgradeNodeVersions(imported.workflow, registry);
    if (upgraded.issues.length > 0) return { ok: false, issues: upgraded.issues };
    // What the import had to change (a widget reset, a link it could not place) is worth telling, not blocking.
    const notes = [...imported.notes, ...imported.issues.map(formatIssue), ...upgraded.notes];
    return parseCurrent(upgraded.workflow, notes, imported.unknownTypes, registry);
  }
  const migrated = migrateWorkflow(json, registry);
  if (migrated.issues.length > 0) return { ok: false, issues: migrated.issues };
  return parseCurrent(migrated.workflow, migrated.notes, [], registry);
}

function parseCurrent(json: unknown, notes: string[], unknownTypes: string[], registry: NodeRegistry): LoadResult {
  const parsed = workflowSchema.safeParse(json);
  if (!parsed.success) return { ok: false, issues: zodIssuesToIssues(parsed.error, json) };
  const workflow = parsed.data;
  const problems = checkReferences(workflow);
  if (problems.length > 0) return { ok: false, issues: problems };
  return { ok: true, workflow, notes, unknownTypes: [...new Set([...unknownTypes, ...typesWithoutCounterpart(workflow, registry)])] };
}

/** Types that neither run here nor exist only in ComfyUI's frontend, subgraph contents included. */
function typesWithoutCounterpart(workflow: Workflow, registry: NodeRegistry): string[] {
  const subgraphs = subgraphDefinitions(workflow);
  const nodes = [...workflow.nodes, ...[...subgraphs.values()].flatMap((definition) => definition.nodes)];
  return nodes.map((node) => node.type).filter((type) => !registry.has(type) && !isFrontendOnlyType(type) && !subgraphs.has(type));
}

/** Ids must be unique and links must join existing nodes, or nothing downstream can be trusted. */
function checkReferences(workflow: Workflow): Issue[] {
  const issues: Issue[] = [];
  const nodeIds = new Set<number>();
  for (const node of workflow.nodes) {
    if (nodeIds.has(node.id)) issues.push({ code: 'invalid_workflow', nodeId: String(node.id), nodeType: node.type, message: `node id ${node.id} is used twice` });
    nodeIds.add(node.id);
  }
  const linkIds = new Set<number>();
  for (const link of workflow.links) {
    if (linkIds.has(link.id)) issues.push({ code: 'invalid_workflow', message: `link id ${link.id} is used twice` });
    linkIds.add(link.id);
    for (const end of [link.origin_id, link.target_id]) {
      if (!nodeIds.has(end)) issues.push({ code: 'dangling_link', message: `link ${link.id} refers to node ${end}, which does not exist` });
    }
  }
  for (const node of workflow.nodes) {
    for (const input of node.inputs) {
      if (input.link !== null && !linkIds.has(input.link)) {
        issues.push({ code: 'dangling_link', nodeId: String(node.id), nodeType: node.type, field: input.name, message: `input "${input.name}" refers to link ${input.link}, which does not exist` });
      }
    }
  }
  return issues;
}

/** Turns zod's paths (nodes[3].widgets.steps) into the node id, type and field a user recognises. */
function zodIssuesToIssues(error: z.ZodError, json: unknown): Issue[] {
  return error.issues.map((zodIssue) => issueAtPath(zodIssue.path, zodIssue.message, json));
}

/**
 * An issue about the value at `path`, on its node and field where the path runs through one: a
 * litegraph node (nodes[3].widgets.steps) or a ComfyUI API entry ("3".inputs.steps).
 */
function issueAtPath(path: readonly PropertyKey[], problem: string, json: unknown): Issue {
  const issue: Issue = { code: 'invalid_workflow', message: `${path.length ? path.map(String).join('.') : 'workflow'}: ${problem}` };
  if (!isObject(json)) return issue;
  const [first, second, third] = path;
  if (first === 'nodes' && typeof second === 'number' && Array.isArray(json.nodes)) {
    const node: unknown = json.nodes[second];
    if (isObject(node)) {
      if (typeof node.id === 'number' || typeof node.id === 'string') issue.nodeId = String(node.id);
      if (typeof node.type === 'string') issue.nodeType = node.type;
    }
    const rest = path.slice(2);
    if (rest.length > 0) issue.field = rest[0] === 'widgets' && rest.length > 1 ? String(rest[1]) : rest.map(String).join('.');
    // Without an id the node is found by its place in the file, so the message keeps the whole path.
    if (issue.nodeId !== undefined) issue.message = `${issue.field ?? 'node'}: ${problem}`;
  } else if (typeof first === 'string' && isObject(json[first]) && typeof json[first].class_type === 'string') {
    Object.assign(issue, { nodeId: first, nodeType: json[first].class_type });
    if (second === 'inputs' && third !== undefined) issue.field = String(third);
    issue.message = `${issue.field ?? 'node'}: ${problem}`;
  }
  return issue;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value);
