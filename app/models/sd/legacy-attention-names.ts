/**
 * VAE checkpoints saved before diffusers 0.14 name the mid-block attention's projections
 * query / key / value / proj_attn instead of to_q / to_k / to_v / to_out.0 (diffusers converts
 * them on load: _convert_deprecated_attention_blocks). This WeightSource answers a request for
 * the current name from the legacy one when only that exists.
 */
import { type WeightSource } from '../weights/weight-source.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

const LEGACY_NAMES: ReadonlyArray<[current: RegExp, legacy: string]> = [
  [/\.to_q\.(weight|bias)$/, '.query.$1'],
  [/\.to_k\.(weight|bias)$/, '.key.$1'],
  [/\.to_v\.(weight|bias)$/, '.value.$1'],
  [/\.to_out\.0\.(weight|bias)$/, '.proj_attn.$1'],
];

export function withLegacyVaeAttentionNames(source: WeightSource): WeightSource {
  return {
    description: source.description,
    tensor(name, shape) {
      try {
        return source.tensor(name, shape);
      } catch (error) {
        const rule = UserFacingError.hasCode(error, 'weights.missing') && name.includes('mid_block.attentions.') ? LEGACY_NAMES.find(([pattern]) => pattern.test(name)) : undefined;
        if (!rule) throw error;
        try {
          return source.tensor(name.replace(rule[0], rule[1]), shape);
        } catch (legacyError) {
          // Neither name exists: report the current one, which is what the user should look for.
          throw UserFacingError.hasCode(legacyError, 'weights.missing') ? error : legacyError;
        }
      }
    },
  };
}
