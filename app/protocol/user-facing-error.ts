/**
 * The one error type for problems a user can act on: a bad value, a missing file, a model the
 * method cannot use. It carries the message (what is wrong), the field at fault when the code that
 * throws knows it (a node's input; a caller that knows better re-attributes it with `atField`), a
 * hint (how to fix it, never repeated in the message) and a stable `code` for the few callers that
 * must tell one problem from another. The engine's failure mapping, the CLI and the HTTP server read
 * these fields; anything else that is thrown is a bug and is shown with its stack.
 *
 * Lives in the protocol layer because the problem crosses every boundary as plain data
 * (`NodeFailure`, `Issue`) and the renderer raises the same kind of problems (a PNG without a
 * workflow, an unreadable file).
 */
export interface UserFacingErrorOptions {
  /** The input the user set that is at fault: a node's field, a CLI option, a config key. */
  readonly field?: string | undefined;
  /** How to fix it, when there is a known fix. Not repeated in the message. */
  readonly hint?: string | undefined;
  /** A stable reason, only where a caller must tell this problem apart (e.g. 'weights.missing'). */
  readonly code?: string | undefined;
  readonly cause?: unknown;
}

export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  readonly field: string | undefined;
  readonly hint: string | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: UserFacingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
    this.hint = options.hint;
    this.code = options.code;
  }

  /** The same problem attributed to `field`, for a caller that knows which input fed the failing code. */
  atField(field: string): UserFacingError {
    return new UserFacingError(this.message, { field, hint: this.hint, code: this.code, cause: this.cause });
  }

  /** Whether `error` is this kind of problem with this code. */
  static hasCode(error: unknown, code: string): error is UserFacingError {
    return error instanceof UserFacingError && error.code === code;
  }
}

/** One line for a terminal or a log: the message, then the hint after a dash. */
export function describeProblem(problem: { readonly message: string; readonly hint?: string | undefined }): string {
  return problem.hint ? `${problem.message} — ${problem.hint}` : problem.message;
}
