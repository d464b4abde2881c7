import { UserFacingError } from '../../app/protocol/user-facing-error.js';

/** A bad argument to a fidelity function: `field` names it as `function.argument[.path]`. */
export function fidelityInputError(field: string, problem: string): UserFacingError {
  return new UserFacingError(`${field}: ${problem}`, { field });
}
