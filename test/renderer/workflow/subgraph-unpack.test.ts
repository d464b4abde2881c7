/**
 * "Unpack subgraph" on the workflow file (renderer/src/workflow/subgraph-unpack.ts): the unpacked
 * workflow must run as the instance did. The check is the engine's own expansion: the prompt of the
 * unpacked workflow equals the prompt of the workflow with the instance, node for node once ids are
 * set aside, and equals that of the flat default workflow given the same texts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../../app/engine/workflow-to-prompt.js';
import { isPromptLink, SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, type Prompt, type Workflow } from '../../../app/protocol/index.js';
import { createNodeRegistry } from '../../../nodes/index.js';
import { unpackInstance } from '../../../renderer/src/workflow/subgraph-unpack.js';
import { defaultWorkflow, nodeOfType } from '../../support/default-workflow.js';
import { INNER_TEXT, INSTANCE_ID, NEGATIVE_ID, PROMPTS_ID, subgraphWorkflow } from '../../support/subgraph-workflow.js';

const registry = createNodeRegistry();
const PROMOTED = 'grinning face';

function loaded(json: unknown): Workflow {
  const result = loadWorkflow(json, registry);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.workflow;
}

/** A prompt without its ids: each node as its type, literal inputs and links named by the type (and literals) they come from. */
function shape(prompt: Prompt): string[] {
  const describe = (id: string, seen: string[] = []): string => {
    const node = prompt[id]!;
    const inputs = Object.entries(node.inputs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${isPromptLink(value) && !seen.includes(value[0]) ? `(${describe(value[0], [...seen, id])})#${value[1]}` : JSON.stringify(value)}`);
    return `${node.class_type}{${inputs.join(',')}}`;
  };
  return Object.keys(prompt).map((id) => describe(id)).sort();
}

describe('unpacking a subgraph instance', () => {
  test('the unpacked workflow runs as the instance did, its promoted value now the inner widget\'s', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    const unpacked = loaded(unpackInstance(workflow, INSTANCE_ID)!);
    assert.ok(!unpacked.nodes.some((node) => node.id === INSTANCE_ID || node.type === PROMPTS_ID));
    assert.deepEqual(unpacked.nodes.filter((node) => node.type === 'TextEncode').map((node) => node.widgets.text), [PROMOTED, '']);
    assert.deepEqual(shape(workflowToPrompt(unpacked, registry)), shape(workflowToPrompt(workflow, registry)));
    const flat = defaultWorkflow();
    nodeOfType(flat, 'TextEncode', 0).widgets.text = PROMOTED;
    assert.deepEqual(shape(workflowToPrompt(unpacked, registry)), shape(workflowToPrompt(loaded(flat), registry)));
    assert.ok(Array.isArray((unpacked.definitions as { subgraphs: unknown[] }).subgraphs), 'the definition stays for other instances');
  });

  test('an instance input fed by a link hands the link on to the inner inputs; new ids follow the workflow\'s', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    const instance = workflow.nodes.find((node) => node.id === INSTANCE_ID)!;
    // A PrimitiveNode feeding the instance's text input overrides the promoted value.
    const primitiveId = workflow.last_node_id + 1;
    const linkId = workflow.last_link_id + 1;
    workflow.nodes.push({ id: primitiveId, type: 'PrimitiveNode', version: 1, pos: [0, 0], size: [200, 80], mode: 0, inputs: [], outputs: [{ name: 'STRING', type: 'STRING', links: [linkId] }], widgets: { value: INNER_TEXT }, widget_controls: {}, properties: {} });
    workflow.links.push({ id: linkId, origin_id: primitiveId, origin_slot: 0, target_id: INSTANCE_ID, target_slot: 1, type: 'STRING' });
    instance.inputs[1]!.link = linkId;
    Object.assign(workflow, { last_node_id: primitiveId, last_link_id: linkId });
    const unpacked = loaded(unpackInstance(workflow, INSTANCE_ID)!);
    assert.ok(unpacked.nodes.every((node) => node.id <= unpacked.last_node_id) && unpacked.links.every((link) => link.id <= unpacked.last_link_id));
    assert.equal(new Set(unpacked.links.map((link) => link.id)).size, unpacked.links.length);
    assert.ok(!unpacked.links.some((link) => link.id === linkId), 'the link into the instance is gone');
    const texts = Object.values(workflowToPrompt(unpacked, registry)).filter((node) => node.class_type === 'TextEncode').map((node) => node.inputs.text);
    assert.deepEqual(texts.sort(), ['', INNER_TEXT]);
    assert.deepEqual(shape(workflowToPrompt(unpacked, registry)), shape(workflowToPrompt(workflow, registry)));
  });

  test('a node that is not an instance is not unpacked', () => {
    const workflow = loaded(subgraphWorkflow(PROMOTED));
    assert.equal(unpackInstance(workflow, nodeOfType(workflow, 'Sampler').id), undefined);
  });

  test('an instance inside a definition unpacks there: its boundary links go to that definition\'s boundary, and it runs as before', () => {
    const workflow = withNestedNegative(loaded(subgraphWorkflow(PROMOTED)));
    const unpacked = loaded(unpackInstance(workflow, NESTED_ID, PROMPTS_ID)!);
    const prompts = (unpacked.definitions as { subgraphs: Definition[] }).subgraphs.find((definition) => definition.id === PROMPTS_ID)!;
    assert.ok(!prompts.nodes.some((node) => node.type === 'negative'));
    const encoder = prompts.nodes.find((node) => node.type === 'TextEncode' && node.widgets.text === 'blurry')!;
    assert.ok(encoder.id > NESTED_ID, 'a new id, after the definition\'s own');
    const ends = prompts.links.filter((link) => link.target_id === encoder.id || link.origin_id === encoder.id).map((link) => [link.origin_id, link.origin_slot, link.target_id, link.target_slot]);
    assert.deepEqual(ends, [[SUBGRAPH_INPUT_NODE_ID, 0, encoder.id, 0], [encoder.id, 0, SUBGRAPH_OUTPUT_NODE_ID, 1]]);
    assert.deepEqual(shape(workflowToPrompt(unpacked, registry)), shape(workflowToPrompt(workflow, registry)));
    assert.ok(shape(workflowToPrompt(workflow, registry)).some((node) => node.includes('"blurry"')), 'the nested encoder runs');
    assert.equal(unpackInstance(workflow, NESTED_ID), undefined, 'no root node has that id and is an instance');
  });
});

type Definition = Record<string, unknown> & { id: string; nodes: Workflow['nodes']; links: Workflow['links'] };
const NESTED_ID = 3;

/** "Prompts" with its negative encoder (text "blurry") inside an instance of a nested definition "negative" (CLIP in, CONDITIONING out). */
function withNestedNegative(workflow: Workflow): Workflow {
  const [prompts] = (workflow.definitions as { subgraphs: Definition[] }).subgraphs;
  const encoder = prompts!.nodes.find((node) => node.id === NEGATIVE_ID)!;
  const [clipLink, conditioningLink] = [encoder.inputs[0]!.link!, encoder.outputs[0]!.links![0]!];
  const negative: Definition = {
    id: 'negative', name: 'Negative', inputs: [{ name: 'clip', type: 'CLIP' }], outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
    nodes: [{ ...encoder, id: 1, widgets: { text: 'blurry' }, inputs: [{ ...encoder.inputs[0]!, link: 1 }], outputs: [{ ...encoder.outputs[0]!, links: [2] }] }],
    links: [
      { id: 1, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 0, target_id: 1, target_slot: 0, type: 'CLIP' },
      { id: 2, origin_id: 1, origin_slot: 0, target_id: SUBGRAPH_OUTPUT_NODE_ID, target_slot: 0, type: 'CONDITIONING' },
    ],
  };
  const instance = { ...encoder, id: NESTED_ID, type: 'negative', widgets: {} };
  prompts!.nodes = prompts!.nodes.map((node) => (node === encoder ? instance : node));
  for (const link of prompts!.links) {
    if (link.id === clipLink) link.target_id = NESTED_ID;
    if (link.id === conditioningLink) link.origin_id = NESTED_ID;
  }
  prompts!.definitions = { subgraphs: [negative] };
  return workflow;
}
