/**
 * The reference configurations (docs/scalecrafter-method.md §5) as schedules, one preset per reference
 * config file, named after it (`sd2.1_2048x2048`, `sdxl_4096x4096_disperse`, `sdxl_vanilla`).
 * Names are width×height, as in the reference (sd1.5_2048x1024 has latent 128 high, 256 wide).
 */
import { z } from 'zod';
import { DEFAULT_DISPERSION_PARAMS } from './dispersion-transform.js';
import type { ReferenceYaml } from './reference-format.js';
import { REFERENCE_FILES } from './reference-presets/reference-files.generated.js';
import {
  referenceStepRange,
  type ConvDilation,
  type DilationSchedule,
  type DispersionSchedule,
  type ScaleCrafterSchedule,
} from './schedule.js';
import { SD_UNET_LAYOUT, SDXL_UNET_LAYOUT, type UNetConvLayout } from './unet-convs.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export type ModelFamily = 'sd1.5' | 'sd2.1' | 'sdxl';

export interface ModelFamilyInfo {
  readonly label: string;
  readonly layout: UNetConvLayout;
  /** Side of the square training resolution, in pixels. */
  readonly nativeSize: number;
}

/** SD 2.1 here is the 512² `-base` model the reference used, not the 768² v-prediction one. */
export const MODEL_FAMILIES: Readonly<Record<ModelFamily, ModelFamilyInfo>> = {
  'sd1.5': { label: 'SD 1.5', layout: SD_UNET_LAYOUT, nativeSize: 512 },
  'sd2.1': { label: 'SD 2.1', layout: SD_UNET_LAYOUT, nativeSize: 512 },
  sdxl: { label: 'SDXL', layout: SDXL_UNET_LAYOUT, nativeSize: 1024 },
};

/** standard: the per-size config; disperse: the same plus a disperse list; vanilla: all off. */
export type PresetVariant = 'standard' | 'disperse' | 'vanilla';

export interface ScaleCrafterPreset {
  readonly name: string;
  readonly family: ModelFamily;
  /** Output size in pixels (latent size × 8). */
  readonly width: number;
  readonly height: number;
  readonly variant: PresetVariant;
  readonly schedule: ScaleCrafterSchedule;
  /** The reference config file's values, unchanged (taus count its num_inference_steps). */
  readonly reference: ReferenceYaml;
}

const referenceConfigSchema = z.object({
  dilate_tau: z.number().int().min(0),
  ndcfg_tau: z.number().int().min(0),
  inflate_tau: z.number().int().min(0),
  dilate_settings: z.string().nullable(),
  ndcfg_dilate_settings: z.string().nullable(),
  disperse_settings: z.string().nullable().optional(),
  progressive: z.boolean(),
  num_inference_steps: z.number().int().positive(),
  latent_height: z.number().int().positive(),
  latent_width: z.number().int().positive(),
});
type ReferenceConfig = z.infer<typeof referenceConfigSchema>;

const PRESET_NAME = /^(sd1\.5|sd2\.1|sdxl)_(?:(\d+)x(\d+)(_disperse)?|(vanilla))$/;
const VAE_SCALE_FACTOR = 8;

// The configs name files as the reference repo lays them out: ./assets/dilate_settings/x.txt.
function referencePath(configPath: string): string {
  return configPath.replace(/^\.\/assets\//, '');
}

function dilationFile(configPath: string): readonly ConvDilation[] {
  const settings = REFERENCE_FILES.dilationFiles[referencePath(configPath)];
  if (settings === undefined) throw new Error(`reference dilation file ${configPath} is missing: regenerate the presets`);
  return settings;
}

function dilationSchedule(settingsPath: string | null, tau: number, config: ReferenceConfig): DilationSchedule {
  if (settingsPath === null) return { kind: 'off' };
  return {
    kind: config.progressive ? 'progressive' : 'constant',
    convs: dilationFile(settingsPath),
    steps: referenceStepRange(tau, config.num_inference_steps),
  };
}

function dispersionSchedule(config: ReferenceConfig): DispersionSchedule {
  if (config.disperse_settings == null) return { kind: 'off' };
  const convs = REFERENCE_FILES.moduleLists[referencePath(config.disperse_settings)];
  if (convs === undefined) throw new Error(`reference module list ${config.disperse_settings} is missing: regenerate the presets`);
  return {
    kind: 'dispersed',
    convs,
    transform: DEFAULT_DISPERSION_PARAMS,
    steps: referenceStepRange(config.inflate_tau, config.num_inference_steps),
  };
}

function presetFromReference(name: string, yaml: ReferenceYaml): ScaleCrafterPreset {
  const match = PRESET_NAME.exec(name);
  if (match === null) throw new Error(`reference config "${name}" does not follow <family>_<W>x<H>[_disperse]`);
  const config = referenceConfigSchema.parse(yaml);
  return {
    name,
    family: match[1] as ModelFamily,
    width: config.latent_width * VAE_SCALE_FACTOR,
    height: config.latent_height * VAE_SCALE_FACTOR,
    variant: match[5] !== undefined ? 'vanilla' : match[4] !== undefined ? 'disperse' : 'standard',
    schedule: {
      redilation: dilationSchedule(config.dilate_settings, config.dilate_tau, config),
      noiseDampedGuidance: dilationSchedule(config.ndcfg_dilate_settings, config.ndcfg_tau, config),
      dispersion: dispersionSchedule(config),
    },
    reference: yaml,
  };
}

export const SCALECRAFTER_PRESETS: readonly ScaleCrafterPreset[] = Object.entries(REFERENCE_FILES.configs).map(
  ([name, yaml]) => presetFromReference(name, yaml),
);


export function presetByName(name: string): ScaleCrafterPreset {
  const preset = SCALECRAFTER_PRESETS.find((candidate) => candidate.name === name);
  if (preset === undefined) {
    throw new UserFacingError(`unknown ScaleCrafter preset "${name}"`, { field: 'preset', hint: `known presets: ${SCALECRAFTER_PRESETS.map((p) => p.name).join(', ')}` });
  }
  return preset;
}

/** What to run at a requested size: a reference preset, or the model's native behaviour. */
export type PresetChoice =
  | { readonly kind: 'preset'; readonly preset: ScaleCrafterPreset }
  | { readonly kind: 'native'; readonly nativeSize: number };

/**
 * The standard preset of a family whose pixel count is nearest to width×height (docs/scalecrafter-method.md
 * §5: custom sizes take the config with the nearest pixel count). The native training size
 * competes as a preset that changes nothing, so sizes closer to it than to any preset (and all
 * sizes below it) run unmodified. Ties go to the smaller pixel count: the milder change.
 */
export function nearestPreset(family: ModelFamily, width: number, height: number): PresetChoice {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  const nativeSize = MODEL_FAMILIES[family].nativeSize;
  const pixels = width * height;
  let best: PresetChoice = { kind: 'native', nativeSize };
  let bestPixels = nativeSize * nativeSize;
  const standard = SCALECRAFTER_PRESETS.filter((preset) => preset.family === family && preset.variant === 'standard');
  for (const preset of [...standard].sort((a, b) => a.width * a.height - b.width * b.height)) {
    const presetPixels = preset.width * preset.height;
    if (Math.abs(presetPixels - pixels) < Math.abs(bestPixels - pixels)) {
      best = { kind: 'preset', preset };
      bestPixels = presetPixels;
    }
  }
  return best;
}
