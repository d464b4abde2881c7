/**
 * The engine's one failure mapping: whatever a node's execute() throws becomes the NodeFailure the
 * UI shows. A UserFacingError is a problem the user can act on, so its field and hint are shown as
 * they are; anything else is a bug, shown with its stack in the details pane.
 */
import type { NodeFailure } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export function toNodeFailure(error: unknown, nodeId: string, nodeType: string): NodeFailure {
  const failure: NodeFailure = { nodeId, nodeType, message: error instanceof Error ? error.message : String(error) };
  if (error instanceof UserFacingError) {
    if (error.field !== undefined) failure.field = error.field;
    if (error.hint !== undefined) failure.hint = error.hint;
  }
  const cause = error instanceof UserFacingError ? error.cause : error;
  if (cause instanceof Error) failure.cause = cause.stack ?? cause.message;
  else if (cause !== undefined) failure.cause = String(cause);
  return failure;
}
