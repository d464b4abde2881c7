/**
 * A diffusers / transformers config.json that the SD graph builders cannot build: names the
 * model part, the config key, what was wrong and how to fix it.
 */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';

  constructor(
    readonly model: 'unet' | 'text_encoder' | 'text_encoder_2' | 'vae',
    readonly key: string,
    detail: string,
    readonly hint?: string,
  ) {
    super(`${model} config: "${key}" ${detail}${hint ? ` — ${hint}` : ''}`);
  }
}

/** Turns the first issue of a failed zod parse into a ModelConfigError naming the offending key. */
export function configErrorFromIssues(
  model: ModelConfigError['model'],
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): ModelConfigError {
  const issue = issues[0];
  const key = issue === undefined || issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
  return new ModelConfigError(model, key, `is invalid: ${issue?.message ?? 'unknown problem'}`, 'compare with the config.json diffusers writes for this model');
}
