/**
 * Node types that exist only in ComfyUI's frontend (its "virtual" nodes): they shape the graph a user
 * draws but never run. Workflow → prompt resolves them away, as ComfyUI's graphToPrompt does
 * (ComfyUI_frontend `utils/executionUtil.ts`, litegraph's `ExecutableNodeDTO`):
 * - a Reroute passes on whatever reaches its one input;
 * - a PrimitiveNode's value replaces the widget value of every input it feeds;
 * - notes are only text.
 * A subgraph instance (a node whose type is a subgraph definition's id) is virtual too: its contents run.
 */
export const REROUTE_TYPE = 'Reroute';
export const PRIMITIVE_NODE_TYPE = 'PrimitiveNode';
/** The widget a PrimitiveNode's value (and its control after generating) is stored under. */
export const PRIMITIVE_VALUE_WIDGET = 'value';
/** A PrimitiveNode property: its text goes through the `%…%` replacement before it reaches what it feeds. */
export const PRIMITIVE_TEXT_REPLACEMENT_PROPERTY = 'Run widget replace on values';

const NOTE_TYPES: ReadonlySet<string> = new Set(['Note', 'MarkdownNote']);

const FRONTEND_ONLY_TYPES: ReadonlySet<string> = new Set([REROUTE_TYPE, PRIMITIVE_NODE_TYPE, ...NOTE_TYPES]);

export function isFrontendOnlyType(type: string): boolean {
  return FRONTEND_ONLY_TYPES.has(type);
}
