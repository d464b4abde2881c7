/** A bad argument to a fidelity function: `field` names it as `function.argument[.path]`. */
export class FidelityInputError extends Error {
  override readonly name = 'FidelityInputError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
