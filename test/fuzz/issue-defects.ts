/** The fuzz tests' one judgement of an Issue: does it report its problem where a user can act on it? */
import { issueSchema, type Issue } from '../../app/protocol/index.js';

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

