/**
 * Errors raised while reading a scheduler configuration or planning a sampling run. Each names the
 * offending field (a diffusers `scheduler_config.json` key, or a planning argument such as `steps`)
 * and says how to fix it, so a node can show the message next to the right widget.
 */

/** A `scheduler_config.json` value this project cannot honour. `key` is the diffusers config key. */
export class SchedulerConfigError extends Error {
  override readonly name = 'SchedulerConfigError';
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`scheduler config key "${key}": ${problem}. ${hint}`);
  }
}

/** An invalid argument to planning or stepping (steps, denoise, eta, array lengths, …). */
export class SamplingArgumentError extends Error {
  override readonly name = 'SamplingArgumentError';
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${field}: ${problem}. ${hint}`);
  }
}
