import { defineNode } from '../app/engine/node-definition.js';
import { candidateConvsOf } from '../app/scalecrafter/prepared-unet-cache.js';
import type { ModelFamily as PipelineFamily } from '../app/models/pipeline-folder.js';
import { FREEU_DEFAULTS } from '../app/scalecrafter/freeu-defaults.js';
import type { ModelPatch } from '../app/scalecrafter/model-patches.js';
import { withPatch } from '../app/scalecrafter/patch-inputs.js';
import { nearestPreset, SCALECRAFTER_PRESETS, type ModelFamily } from '../app/scalecrafter/presets.js';
import type { ScaleCrafterSchedule } from '../app/scalecrafter/schedule.js';

const FAMILIES = ['sd1.5', 'sd2.1', 'sdxl'] as const satisfies readonly ModelFamily[];
/** The preset family of each pipeline family that openPipelineFolder detects. */
const PRESET_FAMILY: Readonly<Record<PipelineFamily, ModelFamily>> = { sd1: 'sd1.5', sd2: 'sd2.1', sdxl: 'sdxl' };

/** Module paths a schedule names, whatever part of it names them. */
function namedConvs(schedule: ScaleCrafterSchedule): string[] {
  const lists = [schedule.redilation, schedule.noiseDampedGuidance].flatMap((part) => (part.kind === 'off' ? [] : part.convs.map((entry) => (typeof entry === 'string' ? entry : entry.conv))));
  return [...lists, ...(schedule.dispersion.kind === 'off' ? [] : schedule.dispersion.convs)];
}

export const scaleCrafterPreset = defineNode({
  schema: {
    type: 'ScaleCrafterPreset',
    displayName: 'ScaleCrafter Preset',
    category: 'scalecrafter',
    description: 'The reference configuration for a model family and output size (nearest pixel count): re-dilation, ND-CFG, dispersion and FreeU.',
    version: 1,
    outputNode: false,
    editor: 'dilation-schedule',
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'family', kind: 'COMBO', options: FAMILIES, default: 'sd1.5' },
      { name: 'width', kind: 'INT', default: 2048, min: 64, max: 16384, step: 64 },
      { name: 'height', kind: 'INT', default: 2048, min: 64, max: 16384, step: 64 },
      { name: 'variant', kind: 'COMBO', options: ['standard', 'disperse'], default: 'standard', tooltip: 'disperse adds the reference\'s dispersed-convolution list (its configs leave it inactive: inflate_tau = 0)' },
      { name: 'freeu', kind: 'BOOLEAN', default: true, tooltip: 'the reference applies FreeU with the family\'s defaults' },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  execute: async ({ model, family, width, height, variant, freeu }, context) => {
    const detected = PRESET_FAMILY[model.folder.family];
    if (detected !== family) context.message('warning', `${model.folder.name} looks like ${detected}, but the ${family} preset is chosen: its layers and sizes are ${family}'s`);
    const choice = nearestPreset(family, width, height);
    const patches: ModelPatch[] = [];
    if (choice.kind === 'native') {
      context.message('info', `${width}×${height} is nearest to ${family}'s training size (${choice.nativeSize}²): no re-dilation`);
    } else {
      const dispersed = SCALECRAFTER_PRESETS.find((candidate) => candidate.name === `${choice.preset.name}_disperse`);
      if (variant === 'disperse' && !dispersed) context.message('warning', `the reference has no disperse variant of ${choice.preset.name}; using the standard one`);
      const preset = variant === 'disperse' && dispersed ? dispersed : choice.preset;
      const { schedule } = preset;
      context.message('info', `using the reference preset ${preset.name}`);
      const candidates = new Set(await candidateConvsOf(model.folder.unet));
      const missing = [...new Set(namedConvs(schedule))].filter((conv) => !candidates.has(conv));
      if (missing.length > 0) context.message('warning', `${missing.length} convs of ${preset.name} are not in this UNet and are ignored (e.g. ${missing.slice(0, 3).join(', ')})`);
      patches.push({ kind: 'redilate', schedule: schedule.redilation }, { kind: 'noise_damped_cfg', schedule: schedule.noiseDampedGuidance }, { kind: 'disperse', schedule: schedule.dispersion });
    }
    if (freeu) patches.push({ kind: 'freeu', settings: FREEU_DEFAULTS[family] });
    return { outputs: [patches.reduce(withPatch, model)] };
  },
});
