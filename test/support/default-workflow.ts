/** The shipped default workflow, read from workflows/default.json as a user would run it. */
import { readFileSync } from 'node:fs';
import type { Workflow } from '../../app/protocol/index.js';

const file = new URL('../../workflows/default.json', import.meta.url);

export function defaultWorkflow(): Workflow {
  return JSON.parse(readFileSync(file, 'utf8')) as Workflow;
}

export function nodeOfType(workflow: Workflow, type: string, index = 0) {
  const node = workflow.nodes.filter((candidate) => candidate.type === type)[index];
  if (!node) throw new Error(`the workflow has no ${type} node #${index}`);
  return node;
}
