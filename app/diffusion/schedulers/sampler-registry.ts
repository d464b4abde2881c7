/**
 * The sampling algorithms this app offers, in the order the Sampler node lists them. Adding one is
 * a new algorithm file exporting a SamplerDescriptor plus one entry here: the node's options, the
 * ComfyUI import and export and the plan/step dispatch all read this list. The order after the
 * first four is ComfyUI's KSAMPLER_NAMES order.
 */
import type { SamplerDescriptor, SamplerWidgets } from './sampler-descriptor.js';
import { EULER } from './euler.js';
import { EULER_ANCESTRAL } from './euler-ancestral.js';
import { DDIM } from './ddim.js';
import { DPMPP_2M } from './dpmpp-2m.js';
import { DPM_2, DPM_2_ANCESTRAL, HEUN, HEUNPP2 } from './second-order-samplers.js';
import { DPMPP_2S_ANCESTRAL, DPMPP_SDE } from './dpmpp-single-step.js';
import { DPMPP_2M_SDE, DPMPP_2M_SDE_HEUN, DPMPP_3M_SDE } from './dpmpp-multistep-sde.js';
import { LCM, LMS } from './lms-lcm.js';
import { DDPM, IPNDM, IPNDM_V } from './ddpm-ipndm.js';
import { UNI_PC, UNI_PC_BH2 } from './uni-pc.js';
import { samplingArgumentError } from './scheduler-errors.js';

const SAMPLER_DESCRIPTORS = [
  EULER,
  EULER_ANCESTRAL,
  DDIM,
  DPMPP_2M,
  HEUN,
  HEUNPP2,
  DPM_2,
  DPM_2_ANCESTRAL,
  LMS,
  DPMPP_2S_ANCESTRAL,
  DPMPP_SDE,
  DPMPP_2M_SDE,
  DPMPP_2M_SDE_HEUN,
  DPMPP_3M_SDE,
  DDPM,
  LCM,
  IPNDM,
  IPNDM_V,
  UNI_PC,
  UNI_PC_BH2,
] as const;

type SettingsOf<D> = D extends SamplerDescriptor<infer S> ? S : never;

/** A sampling algorithm with its settings: `kind` picks the descriptor, the rest is its own. */
export type Sampler = SettingsOf<(typeof SAMPLER_DESCRIPTORS)[number]>;
export type SamplerKind = Sampler['kind'];

export const SAMPLER_NAMES: readonly SamplerKind[] = SAMPLER_DESCRIPTORS.map((descriptor) => descriptor.name);

/** How descriptions name the samplers, in the node's order. */
export const SAMPLER_LABELS: readonly string[] = SAMPLER_DESCRIPTORS.map((descriptor) => descriptor.label);

/**
 * ComfyUI sampler_name → ours, for the samplers whose update rule matches ComfyUI's. Aliases come
 * first so that reading the table backwards (the export) ends on each sampler's own ComfyUI name.
 */
export const COMFY_SAMPLER_NAMES: Readonly<Record<string, SamplerKind>> = Object.fromEntries([
  ...SAMPLER_DESCRIPTORS.flatMap((descriptor) => (descriptor.comfyAliases ?? []).map((alias) => [alias, descriptor.name])),
  ...SAMPLER_DESCRIPTORS.flatMap((descriptor) => (descriptor.comfyName === undefined ? [] : [[descriptor.comfyName, descriptor.name]])),
]);

function descriptorNamed(name: string): SamplerDescriptor<Sampler> {
  const descriptor = SAMPLER_DESCRIPTORS.find((candidate) => candidate.name === name);
  if (descriptor === undefined) {
    throw samplingArgumentError('sampler.kind', `unknown sampler ${JSON.stringify(name)}`, `Use one of ${SAMPLER_NAMES.join(', ')}`);
  }
  // Matching by name pairs each descriptor with its own settings type, which TypeScript cannot see
  // through a union of descriptors whose functions take different settings.
  return descriptor as unknown as SamplerDescriptor<Sampler>;
}

/** The descriptor that plans and steps this sampler; throws a UserFacingError for an unknown kind. */
export const descriptorOf = (sampler: Sampler): SamplerDescriptor<Sampler> => descriptorNamed(sampler.kind);

/** The Sampler node's widgets as a sampler. */
export const samplerFromWidgets = (name: SamplerKind, widgets: SamplerWidgets): Sampler => descriptorNamed(name).fromWidgets(widgets);
