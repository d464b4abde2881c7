/**
 * The problems of reading a scheduler configuration or planning a sampling run. Each names the
 * offending field (a diffusers `scheduler_config.json` key, or a planning argument such as `steps`)
 * and says how to fix it, so a node can show the message next to the right widget.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** Tells a config problem apart from a planning one: a pipeline folder reports the former with its file. */
export const SCHEDULER_CONFIG_PROBLEM = 'scheduler.config';

/** A `scheduler_config.json` value this project cannot honour; the field is the diffusers config key. */
export function schedulerConfigError(key: string, problem: string, hint: string): UserFacingError {
  return new UserFacingError(`scheduler config key "${key}": ${problem}`, { field: key, hint, code: SCHEDULER_CONFIG_PROBLEM });
}

/** A planning or stepping argument out of range (`steps`, `denoise`, `noise` …). */
export function samplingArgumentError(field: string, problem: string, hint: string): UserFacingError {
  return new UserFacingError(`${field}: ${problem}`, { field, hint });
}
