/**
 * Runs a handful of valid but odd workflows end to end on the bundled tiny pixel-space model: every
 * widget of the default workflow at a boundary of its range or an unusual value (seed 0 or 2^53-1,
 * cfg 0 or 100, empty or emoji text…), unknown keys and titles added. Kept cheap (1-2 steps, at most
 * 40 pixels a side); and ComfyUI API prompts likewise. Properties: each is either rejected with issues naming node and field, or runs
 * to its end, and a failure is a problem the user can act on, never an unhandled bug.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_SEED, type NodeFailure, type WidgetInputSpec, type Workflow } from '../../app/protocol/index.js';
import { defaultWorkflow } from '../support/default-workflow.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { EngineHarness } from '../support/engine-harness.js';
import { FuzzTally, fuzzSeed } from './fuzz-tally.js';
import { issueDefect } from './issue-defects.js';

const FUZZ_SEED = fuzzSeed(0x0dd);
/** Caps that keep a run to a fraction of a second on two cores. */
const CHEAP_LIMITS: Record<string, number> = { steps: 2, width: 40, height: 40, batch_size: 2 };
/** The model stays the bundled one: another would be built or looked for, which is not what this tests. */
const FIXED_WIDGETS = new Set(['model']);

const oddText = fc.constantFrom('', ' ', '😀 grinning 🎉', 'a, '.repeat(120), 'ÄÖÜ ß ﬁ', '\t\n', '(((face:1.5)))', 'text\u0000with nul');

function oddValue(spec: WidgetInputSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case 'SEED':
      return fc.constantFrom(0, 1, MAX_SEED);
    case 'INT': {
      const max = Math.min(spec.max, CHEAP_LIMITS[spec.name] ?? spec.max);
      return fc.constantFrom(spec.min, max);
    }
    case 'FLOAT':
      // The top of a range is the cheap end to run (denoise 1 keeps every step), so it comes up most.
      return fc.oneof({ arbitrary: fc.constant(spec.max), weight: 2 }, fc.constantFrom(spec.min, (spec.min + spec.max) / 2));
    case 'COMBO':
      return fc.constantFrom(...spec.options);
    case 'STRING':
      return oddText;
    case 'BOOLEAN':
      return fc.boolean();
  }
}

function oddWorkflows(harness: EngineHarness): fc.Arbitrary<Workflow> {
  const base = defaultWorkflow();
  const widgetDraws = base.nodes.map((node) => {
    const specs = (harness.registry.get(node.type)?.schema.inputs ?? []).filter((spec): spec is WidgetInputSpec => spec.kind !== 'socket' && !FIXED_WIDGETS.has(spec.name));
    return fc.record(Object.fromEntries(specs.map((spec) => [spec.name, fc.option(oddValue(spec), { nil: undefined })])));
  });
  return fc.tuple(fc.tuple(...widgetDraws), oddText, fc.boolean()).map(([widgets, title, extraKeys]) => {
    const workflow = structuredClone(base);
    workflow.nodes.forEach((node, index) => {
      for (const [name, value] of Object.entries(widgets[index]!)) if (value !== undefined) node.widgets[name] = value as never;
      if (index === 0) node.title = title;
      if (extraKeys) Object.assign(node, { color: '#123', flags: { collapsed: true }, 'x-unknown': [1, { a: null }] });
    });
    return extraKeys ? { ...workflow, extra: { ds: { scale: 0.5, offset: [1e9, -1e9] }, 'x-unknown': true } } : workflow;
  });
}

/** ComfyUI's API export of its default graph, pointed at the bundled model, with odd values of its own. */
function oddComfyPrompts(): fc.Arbitrary<unknown> {
  const api = JSON.parse(readFileSync(new URL('../fixtures/comfyui/default-workflow-api.json', import.meta.url), 'utf8')) as Record<string, { inputs: Record<string, unknown> }>;
  return fc
    .record({ seed: fc.constantFrom(0, MAX_SEED), cfg: fc.constantFrom(0, 1, 100), sampler_name: fc.constantFrom('euler', 'ddim', 'dpmpp_2m'), text: oddText, side: fc.constantFrom(32, 40) })
    .map(({ seed, cfg, sampler_name, text, side }) => {
      const prompt = structuredClone(api);
      prompt['4']!.inputs.ckpt_name = EMOJI_MODEL_NAME;
      Object.assign(prompt['5']!.inputs, { width: side, height: side });
      Object.assign(prompt['3']!.inputs, { seed, cfg, sampler_name, steps: 1 });
      prompt['6']!.inputs.text = text;
      return prompt;
    });
}

/** A failure that is a bug shows only an exception's own stack: no field, no hint, and the cause is that very error. */
function isBugFailure(failure: NodeFailure): boolean {
  return failure.field === undefined && failure.hint === undefined && failure.cause?.split('\n')[0]?.endsWith(failure.message) === true;
}

describe('fuzzing runs with valid but odd workflows', () => {
  test('8 odd workflows and ComfyUI prompts run on the tiny model or are rejected with issues', { timeout: 120_000 }, async () => {
    const harness = new EngineHarness({ modelsDir: emojiSourcesCopy() });
    const tally = new FuzzTally();
    const failures: string[] = [];
    const ours = fc.sample(oddWorkflows(harness), { seed: FUZZ_SEED, numRuns: 6 }).map((workflow) => ['odd widgets', workflow] as const);
    const comfy = fc.sample(oddComfyPrompts(), { seed: FUZZ_SEED, numRuns: 2 }).map((prompt) => ['odd ComfyUI API prompt', prompt] as const);
    for (const [index, [kind, workflow]] of [...ours, ...comfy].entries()) {
      const queued = harness.enqueue(workflow);
      if (!queued.ok) {
        for (const issue of queued.issues) {
          const defect = issueDefect(issue);
          if (defect) failures.push(`workflow ${index}: an issue ${defect}: ${JSON.stringify(issue)}`);
        }
        tally.count(kind, `rejected:${queued.issues[0]?.code}.${queued.issues[0]?.field ?? '?'}`);
        continue;
      }
      await harness.service.whenIdle();
      const end = harness.events.filter((event) => event.jobId === queued.jobId).at(-1)!;
      if (end.type === 'error' && isBugFailure(end.failure)) failures.push(`workflow ${index}: ${end.failure.nodeType} failed with a bug: ${end.failure.cause?.split('\n').slice(0, 3).join(' | ')}`);
      tally.count(kind, end.type === 'error' ? `failed:${end.failure.nodeType}.${end.failure.field ?? '?'}` : end.type);
    }
    tally.print(`odd-run fuzz, seed ${FUZZ_SEED} (cases, outcome)`);
    assert.deepEqual(failures, []);
    assert.equal(tally.total(), 8);
  });
});
