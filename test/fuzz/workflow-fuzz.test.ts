/**
 * Fuzzes load → validate with malformed workflows and prompts (test/fuzz/workflow-mutations.ts):
 * nothing may throw, every rejection is an Issue with a code, no stack trace, and the node and field
 * (or, for damage above the nodes, the part of the file) it is about. Seeded: a failure replays.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { defaultEngineConfig } from '../../app/engine/engine-config.js';
import { validatePrompt } from '../../app/engine/validate-prompt.js';
import { loadWorkflow, parseWorkflowText } from '../../app/engine/workflow-load.js';
import { workflowToPrompt } from '../../app/engine/workflow-to-prompt.js';
import type { Issue } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { FuzzTally, fuzzSeed } from './fuzz-tally.js';
import { issueDefect } from './issue-defects.js';
import { workflowCases, workflowSeeds, type LoaderInput } from './workflow-mutations.js';

const FUZZ_SEED = fuzzSeed(0x5ca1ec);
const registry = createNodeRegistry({ ...defaultEngineConfig(), modelsDir: emojiSourcesCopy() });

type Outcome = { stage: 'load' | 'validate'; issues: Issue[] } | { stage: 'valid' };

function loadAndValidate(input: LoaderInput): Outcome {
  const loaded = 'text' in input ? parseWorkflowText(input.text, registry) : loadWorkflow(input.json, registry);
  if (!loaded.ok) return { stage: 'load', issues: loaded.issues };
  const validated = validatePrompt(workflowToPrompt(loaded.workflow, registry), registry);
  return validated.ok ? { stage: 'valid' } : { stage: 'validate', issues: validated.issues };
}

/** Why `issues` (the rejection of one case) break the properties, if they do. */
function rejectionDefect(issues: Issue[]): string | undefined {
  if (issues.length === 0) return 'rejected without an issue';
  for (const issue of issues) {
    const defect = issueDefect(issue);
    if (defect) return `an issue ${defect}: ${JSON.stringify(issue).slice(0, 300)}`;
  }
  return undefined;
}

const firstLine = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 300);

describe('fuzzing workflow load and validation', () => {
  test('600 malformed workflows and prompts: no crash, every problem an Issue naming where', { timeout: 60_000 }, () => {
    const tally = new FuzzTally();
    const failures: string[] = [];
    const cases = fc.sample(workflowCases(workflowSeeds()), { seed: FUZZ_SEED, numRuns: 600 });
    cases.forEach((fuzzCase, index) => {
      const where = `case ${index} (${fuzzCase.kind} on ${fuzzCase.seed})`;
      try {
        const outcome = loadAndValidate(fuzzCase.input);
        if (outcome.stage === 'valid') {
          tally.count(fuzzCase.kind, 'valid');
          return;
        }
        const defect = rejectionDefect(outcome.issues);
        if (defect) failures.push(`${where}: ${defect}`);
        tally.count(fuzzCase.kind, `${outcome.stage}:${[...new Set(outcome.issues.map((issue) => issue.code))].sort().join('+')}`);
      } catch (error) {
        failures.push(`${where} threw ${firstLine(error)}`);
        tally.count(fuzzCase.kind, 'CRASH');
      }
    });
    tally.print(`workflow fuzz, seed ${FUZZ_SEED} (kind, cases, stage:issue codes)`);
    assert.deepEqual(failures, []);
    assert.equal(tally.total(), 600);
  });
});
