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
import { issueSchema, type Issue } from '../../app/protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { emojiSourcesCopy } from '../support/emoji-model.js';
import { FuzzTally } from './fuzz-tally.js';
import { workflowCases, workflowSeeds, type LoaderInput } from './workflow-mutations.js';

export const FUZZ_SEED = 0x5ca1ec;
const registry = createNodeRegistry({ ...defaultEngineConfig(), modelsDir: emojiSourcesCopy() });

type Outcome = { stage: 'load' | 'validate'; issues: Issue[] } | { stage: 'valid' };

function loadAndValidate(input: LoaderInput): Outcome {
  const loaded = 'text' in input ? parseWorkflowText(input.text, registry) : loadWorkflow(input.json, registry);
  if (!loaded.ok) return { stage: 'load', issues: loaded.issues };
  const validated = validatePrompt(workflowToPrompt(loaded.workflow, registry), registry);
  return validated.ok ? { stage: 'valid' } : { stage: 'validate', issues: validated.issues };
}

/** Damage above the nodes has no node to name; the message must then name the part of the file (or its key path). */
const NAMES_A_PLACE = /\b(node|nodes|link|links|entry|workflow|version|format|groups|extra|JSON|last_node_id|last_link_id)\b|^[\w$-]+(\.[\w$-]+)+: /;
/** Problems that are about a whole node (or the whole graph), not one of its fields. */
const NODE_LEVEL_CODES = new Set(['unknown_node_type', 'cycle', 'no_output_node', 'invalid_workflow']);

/** What is wrong with how `issue` reports its problem, if anything. */
export function issueDefect(issue: Issue): string | undefined {
  if (!issueSchema.safeParse(issue).success) return 'is not a valid Issue';
  if (issue.message.trim() === '') return 'has an empty message';
  if (/\n\s+at /.test(`${issue.message}\n${issue.hint ?? ''}`)) return 'shows a stack trace';
  if (issue.code === 'no_output_node') return undefined;
  if (issue.nodeId === undefined) return NAMES_A_PLACE.test(issue.message) ? undefined : 'names neither a node nor a part of the file';
  if (issue.field === undefined && !NODE_LEVEL_CODES.has(issue.code) && !/\binput "|\bfield\b/.test(issue.message)) return 'names the node but not the field';
  return undefined;
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
        tally.count(fuzzCase.kind, `${outcome.stage}:${outcome.issues[0]?.code}`);
      } catch (error) {
        failures.push(`${where} threw ${firstLine(error)}`);
        tally.count(fuzzCase.kind, 'CRASH');
      }
    });
    tally.print(`workflow fuzz, seed ${FUZZ_SEED} (kind, cases, stage:first issue code)`);
    assert.deepEqual(failures, []);
    assert.equal(tally.total(), 600);
  });
});
