/**
 * JSON entries in a model's metadata_props: how each control rewrite (FreeU, attention scale)
 * records what it did, so the host can build feeds for it and a second rewrite of the same kind
 * is refused. ORT's Node binding does not expose metadata_props, so hosts read them from the
 * model file (readModel keeps weights on disk, so this is cheap).
 */
import { metadataMap, type OnnxModel } from '../../onnx/model.js';
import type { MetadataSource } from './prepared-unet-format.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type { MetadataSource } from './prepared-unet-format.js';

function asMap(source: MetadataSource): ReadonlyMap<string, string> {
  if (source instanceof Map) return source;
  if (Array.isArray(source)) return metadataMap(source);
  return metadataMap((source as OnnxModel).metadataProps);
}

/** The parsed JSON under `key`, or undefined when the model has no such entry. */
export function readMetadataJson(source: MetadataSource, key: string): unknown {
  const text = asMap(source).get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`metadata '${key}' is not JSON (${(error as Error).message}); add the controls to the original UNet again`, { cause: error });
  }
}

/** The model with `value` stored as JSON under `key` (other entries kept). */
export function withMetadataEntry(model: OnnxModel, key: string, value: unknown): OnnxModel {
  const kept = (model.metadataProps ?? []).filter((entry) => entry.key !== key);
  return { ...model, metadataProps: [...kept, { key, value: JSON.stringify(value) }] };
}
