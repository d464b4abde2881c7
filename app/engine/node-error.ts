/**
 * The error a node throws when it cannot do its job. It names the field at fault and, when there is
 * one, the fix; the executor turns it (or any other exception) into a NodeFailure for the UI.
 */
import type { NodeFailure } from '../protocol/index.js';

export class NodeError extends Error {
  readonly field: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: { field?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NodeError';
    this.field = options.field;
    this.hint = options.hint;
  }
}

export function toNodeFailure(error: unknown, nodeId: string, nodeType: string): NodeFailure {
  const failure: NodeFailure = { nodeId, nodeType, message: error instanceof Error ? error.message : String(error) };
  if (error instanceof NodeError && error.field !== undefined) failure.field = error.field;
  // Any error may carry a fix (an out-of-memory error suggests tiling), not only NodeErrors.
  const hint = (error as { hint?: unknown } | null)?.hint;
  if (typeof hint === 'string') failure.hint = hint;
  const cause = error instanceof Error ? (error.cause ?? (error instanceof NodeError ? undefined : error)) : undefined;
  if (cause instanceof Error) failure.cause = cause.stack ?? cause.message;
  else if (cause !== undefined) failure.cause = String(cause);
  return failure;
}
