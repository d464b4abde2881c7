import { defineNode } from '../app/engine/node-definition.js';
import { layerDilations, stepRange, stepRangeInputs, stepRangeProblems, withPatch } from '../app/scalecrafter/patch-inputs.js';

export const noiseDampedCfg = defineNode({
  schema: {
    type: 'NoiseDampedCFG',
    displayName: 'Noise-Damped CFG (ScaleCrafter)',
    category: 'scalecrafter',
    description: 'Takes the guidance base from a third, more mildly re-dilated UNet pass over the first steps (ultra-high resolutions).',
    version: 1,
    outputNode: false,
    editor: 'dilation-schedule',
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'layers', kind: 'STRING', multiline: true, default: 'mid_block\nup_blocks.0', tooltip: 'the base pass\'s dilation per module path or prefix, optionally :factor' },
      { name: 'factor', kind: 'FLOAT', default: 2, min: 1, max: 8, step: 0.1 },
      ...stepRangeInputs(0.7),
      { name: 'progressive', kind: 'BOOLEAN', default: true },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  checkWidgets: ({ start, end }) => stepRangeProblems(start, end),
  execute: async ({ model, layers, factor, start, end, progressive }) => {
    const convs = await layerDilations(model, layers, factor);
    return { outputs: [withPatch(model, { kind: 'noise_damped_cfg', schedule: { kind: progressive ? 'progressive' : 'constant', convs, steps: stepRange(start, end) } })] };
  },
});
