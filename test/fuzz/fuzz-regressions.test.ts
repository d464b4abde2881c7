/**
 * One test for each bug the fuzzers (test/fuzz/*-fuzz.test.ts) found, written as the smallest file
 * that showed it, so each fix stays fixed whatever the fuzzers' seeds happen to generate.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { loadWorkflow, parseWorkflowText } from '../../app/engine/workflow-load.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { defaultWorkflow } from '../support/default-workflow.js';

const registry = createNodeRegistry();
const comfyFixture = (name: string) => readFileSync(new URL(`../fixtures/comfyui/${name}`, import.meta.url), 'utf8');
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('workflow loading: bugs the fuzzer found', () => {
  test('a value nested 20000 deep in a ComfyUI API file is an issue on its node and input, not a stack overflow', () => {
    const text = comfyFixture('default-workflow-api.json').replace('"euler"', nested(20_000));
    const loaded = parseWorkflowText(text, registry);
    assert.ok(!loaded.ok);
    assert.deepEqual(loaded.issues.map(({ code, nodeId, nodeType, field }) => ({ code, nodeId, nodeType, field })), [
      { code: 'invalid_workflow', nodeId: '3', nodeType: 'KSampler', field: 'sampler_name' },
    ]);
    assert.match(loaded.issues[0]!.message, /nests values more than 100 levels deep/);
  });

  test('a value nested 20000 deep in a ComfyUI UI file names the node and its widgets_values', () => {
    const text = comfyFixture('default-workflow.json').replace('"text, watermark"', nested(20_000));
    const loaded = parseWorkflowText(text, registry);
    assert.ok(!loaded.ok);
    const [issue] = loaded.issues;
    assert.equal(issue?.nodeType, 'CLIPTextEncode');
    assert.match(issue!.field!, /^widgets_values\.0/);
  });

  test('nesting a real file could hold still loads', () => {
    const workflow = defaultWorkflow();
    workflow.extra = { deep: JSON.parse(nested(90)) as unknown };
    assert.ok(loadWorkflow(workflow, registry).ok);
  });

  test('a node without an id is named by its place in the file', () => {
    const workflow = defaultWorkflow() as unknown as { nodes: Record<string, unknown>[] };
    delete workflow.nodes[0]!.id;
    const loaded = loadWorkflow(workflow, registry);
    assert.ok(!loaded.ok);
    const issue = loaded.issues.find((candidate) => candidate.field === 'id');
    assert.equal(issue?.nodeType, 'LoadCheckpoint');
    assert.match(issue!.message, /^nodes\.0\.id: /);
  });
});
