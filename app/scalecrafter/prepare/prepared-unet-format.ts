/**
 * The contract of a ScaleCrafter-prepared UNet (docs/scalecrafter-controls.md): two extra graph
 * inputs that carry one value per candidate conv, and model metadata that says which conv each
 * position stands for. The preparation writes it; the sampler's control feeds read it.
 */
import { z } from 'zod';
import type { DispersionTransformParams } from '../dispersion-transform.js';
import { TensorDataType } from '../../onnx/data-type.js';
import { metadataMap, type OnnxModel, type OnnxValueInfo, type StringStringEntry } from '../../onnx/model.js';
import type { ConvName } from '../unet-convs.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/**
 * float64 [numConvs]: requested dilation factor pf per conv; 1 = the conv as trained. float64 so
 * that pf reaches the size arithmetic as the double the user gave (1.6, not float32's
 * 1.60000002), which the reference's Python float arithmetic rounds (redilation-geometry.ts).
 */
export const DILATION_INPUT = 'scalecrafter_dilation';

/** The graph input declaration of DILATION_INPUT (written directly: the graph builder emits no float64 values). */
export function dilationInputInfo(numConvs: number): OnnxValueInfo {
  return { name: DILATION_INPUT, type: { tensorType: { elemType: TensorDataType.DOUBLE, shape: { dim: [{ dimValue: numConvs }] } } } };
}
/** bool [numConvs]: whether the conv runs with its dispersed 5×5 kernel. */
export const DISPERSION_INPUT = 'scalecrafter_dispersion';

export const METADATA_VERSION_KEY = 'scalecrafter.version';
/** JSON list of diffusers module paths, in control-vector order. */
export const METADATA_CONVS_KEY = 'scalecrafter.convs';
/** JSON of the DispersionTransformParams the in-graph R was solved with. */
export const METADATA_DISPERSION_KEY = 'scalecrafter.dispersion';
/** 2: the dilation input is float64 (version 1 took float32). */
export const PREPARED_FORMAT_VERSION = 2;

export interface PreparedUnetLayout {
  readonly version: number;
  /** Module paths of the prepared convs; position i is element i of both control inputs. */
  readonly convs: readonly ConvName[];
  readonly dispersion: DispersionTransformParams;
}

const dispersionSchema = z.object({
  smallKernelSize: z.number().int(),
  largeKernelSize: z.number().int(),
  upsampleFactor: z.number().int(),
  eta: z.number(),
});

/** The metadata entries that describe a prepared UNet. */
export function layoutMetadata(layout: PreparedUnetLayout): StringStringEntry[] {
  return [
    { key: METADATA_VERSION_KEY, value: String(layout.version) },
    { key: METADATA_CONVS_KEY, value: JSON.stringify(layout.convs) },
    { key: METADATA_DISPERSION_KEY, value: JSON.stringify(layout.dispersion) },
  ];
}

/** A model, its metadata_props (as entries or a map). */
export type MetadataSource = OnnxModel | readonly StringStringEntry[] | ReadonlyMap<string, string>;

function asMap(source: MetadataSource): ReadonlyMap<string, string> {
  if (source instanceof Map) return source;
  if (Array.isArray(source)) return metadataMap(source as readonly StringStringEntry[]);
  return metadataMap((source as OnnxModel).metadataProps);
}

/**
 * Whether a model (by its metadata) or an open session (by its inputs: ORT's Node binding does
 * not expose metadata_props) takes ScaleCrafter controls.
 */
export function isPreparedUnet(source: MetadataSource | { readonly inputNames: readonly string[] }): boolean {
  if ('inputNames' in source && !(source instanceof Map)) {
    return source.inputNames.includes(DILATION_INPUT) && source.inputNames.includes(DISPERSION_INPUT);
  }
  return asMap(source as MetadataSource).has(METADATA_VERSION_KEY);
}

function parseJson(key: string, text: string | undefined): unknown {
  if (text === undefined) throw new UserFacingError(`metadata '${key}' is missing; prepare the UNet again with \`scalecrafter models prepare\``);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`metadata '${key}' is not JSON (${(error as Error).message}); prepare the UNet again`, { cause: error });
  }
}

/** The layout recorded in a prepared model; throws UserFacingError when absent or malformed. */
export function readPreparedUnetLayout(source: MetadataSource): PreparedUnetLayout {
  const map = asMap(source);
  const versionText = map.get(METADATA_VERSION_KEY);
  if (versionText === undefined) {
    throw new UserFacingError(`this UNet is not prepared for ScaleCrafter (no '${METADATA_VERSION_KEY}' metadata); run \`scalecrafter models prepare <unet.onnx> --out <file>\``);
  }
  const version = Number(versionText);
  if (version !== PREPARED_FORMAT_VERSION) {
    throw new UserFacingError(`prepared-UNet format version ${versionText} is not supported (this build reads version ${PREPARED_FORMAT_VERSION}); prepare the original UNet again`);
  }
  const convs = z.array(z.string().min(1)).safeParse(parseJson(METADATA_CONVS_KEY, map.get(METADATA_CONVS_KEY)));
  if (!convs.success || new Set(convs.data).size !== convs.data.length) {
    throw new UserFacingError(`metadata '${METADATA_CONVS_KEY}' must be a JSON list of distinct module paths; prepare the UNet again`);
  }
  const dispersion = dispersionSchema.safeParse(parseJson(METADATA_DISPERSION_KEY, map.get(METADATA_DISPERSION_KEY)));
  if (!dispersion.success) throw new UserFacingError(`metadata '${METADATA_DISPERSION_KEY}' is malformed; prepare the UNet again`);
  return { version, convs: convs.data, dispersion: dispersion.data };
}
