/**
 * The default-domain (ai.onnx) opset a rewrite may use. The FreeU and Attn-SF controls add ops
 * in their opset-13 form (Unsqueeze axes as an input; Range, Where, If, Less, Greater): a model
 * exported with an older opset must be re-exported first.
 */
import type { OnnxModel } from '../../onnx/model.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export const CONTROLS_MIN_OPSET = 13;

/** The model's ai.onnx opset version; throws UserFacingError when the model imports none. */
export function defaultDomainOpset(model: OnnxModel, what: string): number {
  const entry = model.opsetImport.find((item) => (item.domain ?? '') === '' || item.domain === 'ai.onnx');
  if (!entry) throw new UserFacingError(`${what}: the model imports no default-domain (ai.onnx) opset`);
  return entry.version;
}

/** The model's ai.onnx opset; throws UserFacingError when it is missing or older than 13. */
export function controlsOpset(model: OnnxModel, what: string): number {
  const version = defaultDomainOpset(model, what);
  if (version < CONTROLS_MIN_OPSET) {
    throw new UserFacingError(`${what}: the model uses opset ${version}; the controls need opset ≥ ${CONTROLS_MIN_OPSET} (re-export the UNet with opset_version ≥ ${CONTROLS_MIN_OPSET})`);
  }
  return version;
}
