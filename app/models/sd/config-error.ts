/**
 * A diffusers / transformers config.json that the SD graph builders cannot build: the message names
 * the model part and the config key (also the problem's field), the hint how to fix it.
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type ConfigComponent = 'unet' | 'text_encoder' | 'text_encoder_2' | 'vae';

export function modelConfigError(model: ConfigComponent, key: string, detail: string, hint?: string): UserFacingError {
  return new UserFacingError(`${model} config: "${key}" ${detail}`, { field: key, hint });
}

/** The first issue of a failed zod parse, naming the offending key. */
export function configErrorFromIssues(
  model: ConfigComponent,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): UserFacingError {
  const issue = issues[0];
  const key = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
  return modelConfigError(model, key, `is invalid: ${issue?.message ?? 'unknown problem'}`, 'compare with the config.json diffusers writes for this model');
}
