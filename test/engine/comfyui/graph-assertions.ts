/** Reading fixtures and looking at imported graphs the way a user would: by node, slot name and type. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { workflowSchema } from '../../../app/protocol/index.js';
import type { Workflow, WorkflowNode } from '../../../app/protocol/index.js';

export function loadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/comfyui/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The workflow as the loader will see it: it must pass the workflow schema unchanged. */
export function checkedWorkflow(workflow: Workflow): Workflow {
  const result = workflowSchema.safeParse(workflow);
  assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues));
  return result.data;
}

export function nodeById(workflow: Workflow, id: number): WorkflowNode {
  const node = workflow.nodes.find((candidate) => candidate.id === id);
  assert.ok(node, `node ${id} is missing`);
  return node;
}

/** Each link as "origin.outputType -> target.inputName (linkType)", sorted: what it connects, not how it is numbered. */
export function linkDescriptions(workflow: Workflow): string[] {
  return workflow.links
    .map((link) => {
      const origin = nodeById(workflow, link.origin_id);
      const target = nodeById(workflow, link.target_id);
      return `${origin.id}.${origin.outputs[link.origin_slot]?.type} -> ${target.id}.${target.inputs[link.target_slot]?.name} (${link.type})`;
    })
    .sort();
}

/** Every link is recorded on both of its slots, and every slot's link ids exist. */
export function assertLinksConsistent(workflow: Workflow): void {
  const ids = new Set(workflow.links.map((link) => link.id));
  for (const link of workflow.links) {
    assert.equal(nodeById(workflow, link.target_id).inputs[link.target_slot]?.link, link.id, `link ${link.id} on its target slot`);
    assert.ok(nodeById(workflow, link.origin_id).outputs[link.origin_slot]?.links?.includes(link.id), `link ${link.id} on its origin slot`);
  }
  for (const node of workflow.nodes) {
    for (const input of node.inputs) if (input.link !== null) assert.ok(ids.has(input.link), `node ${node.id} input ${input.name}`);
    for (const output of node.outputs) for (const id of output.links ?? []) assert.ok(ids.has(id), `node ${node.id} output ${output.name}`);
  }
}
