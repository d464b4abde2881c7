/**
 * What goes wrong, as plain data that crosses the worker and IPC boundaries. Each issue names the
 * node, its type and the field when there is one, so the canvas can highlight the exact widget.
 */
import { z } from 'zod';
import { describeProblem } from './user-facing-error.js';

export const ISSUE_CODES = [
  'malformed_json',
  'invalid_workflow',
  'unknown_node_type',
  'missing_input',
  'wrong_type',
  'out_of_range',
  'not_in_options',
  'invalid_value',
  'unknown_input',
  'dangling_link',
  'cycle',
  'no_output_node',
  'execution_failed',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export const issueSchema = z.object({
  code: z.enum(ISSUE_CODES),
  message: z.string(),
  nodeId: z.string().optional(),
  nodeType: z.string().optional(),
  field: z.string().optional(),
  /** How to fix it, when there is a known fix. */
  hint: z.string().optional(),
});
export type Issue = z.infer<typeof issueSchema>;

/** A problem found in a node's own widget values before anything runs (e.g. width not a multiple of 8). */
export interface FieldProblem {
  field: string;
  message: string;
  hint?: string | undefined;
}

export function formatIssue(issue: Issue): string {
  const where = issue.nodeId === undefined ? '' : `node ${issue.nodeId}${issue.nodeType ? ` (${issue.nodeType})` : ''}`;
  const field = issue.field === undefined ? '' : `${where ? ', ' : ''}field "${issue.field}"`;
  const prefix = where || field ? `${where}${field}: ` : '';
  return `${prefix}${describeProblem(issue)}`;
}
