import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import type { Workflow, WorkflowNode } from '../../../app/protocol/index.js';
import { METHODS, methodWorkflow, type Method } from '../../../bench/fidelity/methods.js';
import { DISPERSED_CONVS, scaledRule } from '../../../tools/emoji-scalecrafter-rule.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../../support/emoji-model.js';
import { EngineHarness } from '../../support/engine-harness.js';

const base = JSON.parse(readFileSync(new URL('../../../workflows/default.json', import.meta.url), 'utf8')) as Workflow;
const settings = (size: number) => ({ model: EMOJI_MODEL_NAME, trainingSize: 32, size, prompt: 'red apple, apple, food and drink, food fruit, noto', seed: 7, batch: 1, steps: 25, cfg: 5, filenamePrefix: 'x' });

/** Node types from the Sampler's model input back to the loader, following the links. */
function modelChain(workflow: Workflow): string[] {
  const byId = new Map(workflow.nodes.map((node) => [node.id, node]));
  const chain: string[] = [];
  let node: WorkflowNode | undefined = workflow.nodes.find((candidate) => candidate.type === 'Sampler');
  while (node) {
    const socket = node.inputs.find((input) => input.name === 'model');
    const link = workflow.links.find((candidate) => candidate.id === socket?.link);
    node = link ? byId.get(link.origin_id) : undefined;
    if (node) chain.push(node.type);
  }
  return chain;
}

const EXPECTED_CHAINS: Record<Method, string[]> = {
  direct: ['LoadCheckpoint'],
  'hires-fix': ['LoadCheckpoint'],
  'attn-sf': ['AttentionScale', 'LoadCheckpoint'],
  redilate: ['ReDilate', 'LoadCheckpoint'],
  'redilate+ndcfg': ['NoiseDampedCFG', 'ReDilate', 'LoadCheckpoint'],
  'redilate+disperse': ['DisperseConv', 'ReDilate', 'LoadCheckpoint'],
};

describe('the fidelity experiment\'s method workflows', () => {
  let engine: EngineHarness;
  before(() => {
    engine = new EngineHarness({ modelsDir: emojiSourcesCopy() });
  });

  for (const size of [64, 128]) {
    for (const method of METHODS) {
      test(`${method} at ${size}² is a valid workflow whose MODEL passes through its nodes in order`, () => {
        const workflow = methodWorkflow(method, base, settings(size));
        assert.deepEqual(engine.service.handle('validate', { workflow }), { issues: [] });
        assert.deepEqual(modelChain(workflow), EXPECTED_CHAINS[method]);
        const latent = workflow.nodes.find((node) => node.type === 'EmptyLatentImage')!;
        // The hires fix samples at the training size and upscales the latent to the output size.
        const upscale = workflow.nodes.find((node) => node.type === 'LatentUpscaleBy');
        assert.equal(upscale?.widgets.scale_by, method === 'hires-fix' ? size / 32 : undefined);
        assert.deepEqual([latent.widgets.width, latent.widgets.height], method === 'hires-fix' ? [32, 32] : [size, size]);
      });
    }
  }

  test('the ScaleCrafter nodes carry the scaled rule of the output\'s pixel ratio', () => {
    const rule = scaledRule(16);
    const workflow = methodWorkflow('redilate+disperse', base, settings(128));
    const widgets = (type: string) => workflow.nodes.find((node) => node.type === type)!.widgets;
    assert.equal(widgets('ReDilate').layers, rule.dilation);
    assert.equal(widgets('ReDilate').end, rule.tau);
    assert.equal(widgets('ReDilate').progressive, true);
    assert.equal(widgets('DisperseConv').layers, DISPERSED_CONVS);
    assert.equal(widgets('DisperseConv').end, rule.tau);
    const guided = methodWorkflow('redilate+ndcfg', base, settings(128));
    assert.equal(guided.nodes.find((node) => node.type === 'NoiseDampedCFG')!.widgets.layers, rule.noiseDampedBase);
  });

  test('the base workflow is not modified', () => {
    const before = structuredClone(base);
    methodWorkflow('redilate+ndcfg', base, settings(64));
    assert.deepEqual(base, before);
  });
});
