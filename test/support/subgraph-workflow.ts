/**
 * The shipped default workflow with its two prompts moved into a subgraph, as a ComfyUI user would
 * have made it: a "Prompts" definition (CLIP and the positive text in; positive and negative
 * conditioning out) whose positive encoder takes its text from the subgraph's `text` input, and one
 * instance of it on the root graph holding that text as a promoted widget value.
 */
import { SUBGRAPH_INPUT_NODE_ID, SUBGRAPH_OUTPUT_NODE_ID, SUBGRAPH_WIDGET_VALUES_PROPERTY, type Workflow, type WorkflowNode } from '../../app/protocol/index.js';
import { defaultWorkflow, nodeOfType } from './default-workflow.js';

export const PROMPTS_ID = 'c0ffee00-0000-4000-8000-00000000e2e1';
export const INSTANCE_ID = 10;
/** The encoders' ids inside the definition. */
export const POSITIVE_ID = 1;
export const NEGATIVE_ID = 2;
/** The positive encoder's own text, which the promoted value overrides while the `text` input feeds it. */
export const INNER_TEXT = 'a smiling cat face';
/** The definition's link from its `text` input to the positive encoder. */
export const TEXT_LINK = 3;

const encoder = (id: number, pos: [number, number], inputs: WorkflowNode['inputs'], text: string, conditioningLinks: number[]): WorkflowNode => ({
  id, type: 'TextEncode', version: 1, pos, size: [340, 150], mode: 0,
  inputs, outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING', links: conditioningLinks }],
  widgets: { text }, widget_controls: {}, properties: {},
});

function promptsDefinition(): Record<string, unknown> {
  return {
    id: PROMPTS_ID,
    version: 1,
    name: 'Prompts',
    state: { lastGroupId: 0, lastNodeId: 2, lastLinkId: 5, lastRerouteId: 0 },
    inputNode: { id: SUBGRAPH_INPUT_NODE_ID, bounding: [-260, 40, 120, 80] },
    outputNode: { id: SUBGRAPH_OUTPUT_NODE_ID, bounding: [480, 40, 120, 80] },
    inputs: [{ name: 'clip', type: 'CLIP' }, { name: 'text', type: 'STRING' }],
    outputs: [{ name: 'positive', type: 'CONDITIONING' }, { name: 'negative', type: 'CONDITIONING' }],
    nodes: [
      encoder(POSITIVE_ID, [0, 0], [{ name: 'clip', type: 'CLIP', link: 1 }, { name: 'text', type: 'STRING', link: TEXT_LINK }], INNER_TEXT, [4]),
      encoder(NEGATIVE_ID, [0, 260], [{ name: 'clip', type: 'CLIP', link: 2 }], '', [5]),
    ],
    links: [
      { id: 1, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 0, target_id: POSITIVE_ID, target_slot: 0, type: 'CLIP' },
      { id: 2, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 0, target_id: NEGATIVE_ID, target_slot: 0, type: 'CLIP' },
      { id: TEXT_LINK, origin_id: SUBGRAPH_INPUT_NODE_ID, origin_slot: 1, target_id: POSITIVE_ID, target_slot: 1, type: 'STRING' },
      { id: 4, origin_id: POSITIVE_ID, origin_slot: 0, target_id: SUBGRAPH_OUTPUT_NODE_ID, target_slot: 0, type: 'CONDITIONING' },
      { id: 5, origin_id: NEGATIVE_ID, origin_slot: 0, target_id: SUBGRAPH_OUTPUT_NODE_ID, target_slot: 1, type: 'CONDITIONING' },
    ],
  };
}

/** The default workflow, its two encoders replaced by an instance of "Prompts" given `promoted` as its text. */
export function subgraphWorkflow(promoted: string): Workflow {
  const workflow = defaultWorkflow();
  const [positive, negative] = [nodeOfType(workflow, 'TextEncode', 0), nodeOfType(workflow, 'TextEncode', 1)];
  const sampler = nodeOfType(workflow, 'Sampler');
  const checkpoint = nodeOfType(workflow, 'LoadCheckpoint');
  const linkInto = (node: WorkflowNode, name: string) => node.inputs.find((input) => input.name === name)!.link!;
  const [positiveLink, negativeLink, clipLink] = [linkInto(sampler, 'positive'), linkInto(sampler, 'negative'), linkInto(positive, 'clip')];
  const dropped = new Set([linkInto(negative, 'clip')]);
  workflow.links = workflow.links.filter((link) => !dropped.has(link.id));
  for (const link of workflow.links) {
    if (link.id === clipLink) Object.assign(link, { target_id: INSTANCE_ID, target_slot: 0 });
    if (link.id === positiveLink) Object.assign(link, { origin_id: INSTANCE_ID, origin_slot: 0 });
    if (link.id === negativeLink) Object.assign(link, { origin_id: INSTANCE_ID, origin_slot: 1 });
  }
  checkpoint.outputs.find((output) => output.name === 'CLIP')!.links = [clipLink];
  const instance: WorkflowNode = {
    id: INSTANCE_ID, type: PROMPTS_ID, version: 1, pos: positive.pos, size: [340, 200], mode: 0,
    inputs: [{ name: 'clip', type: 'CLIP', link: clipLink }, { name: 'text', type: 'STRING', link: null, widget: { name: 'text' } }],
    outputs: [{ name: 'positive', type: 'CONDITIONING', links: [positiveLink] }, { name: 'negative', type: 'CONDITIONING', links: [negativeLink] }],
    widgets: {}, widget_controls: {}, properties: { [SUBGRAPH_WIDGET_VALUES_PROPERTY]: [promoted] },
  };
  workflow.nodes = [...workflow.nodes.filter((node) => node !== positive && node !== negative), instance];
  workflow.last_node_id = Math.max(workflow.last_node_id, INSTANCE_ID);
  return { ...workflow, definitions: { subgraphs: [promptsDefinition()] } };
}
