import { defineNode } from '../app/engine/node-definition.js';
import { layerDilations, stepRange, stepRangeInputs, stepRangeProblems, withPatch } from '../app/scalecrafter/patch-inputs.js';

export const disperseConv = defineNode({
  schema: {
    type: 'DisperseConv',
    displayName: 'Disperse Convolution (ScaleCrafter)',
    category: 'scalecrafter',
    description: 'Replaces 3×3 kernels by least-squares dispersed 5×5 kernels (R·W) over the first steps.',
    version: 1,
    outputNode: false,
    editor: 'dilation-schedule',
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      { name: 'layers', kind: 'STRING', multiline: true, default: 'mid_block\nup_blocks.0', tooltip: 'module paths or prefixes whose kernels are dispersed' },
      { name: 'eta', kind: 'FLOAT', default: 0.05, min: 0, max: 10, step: 0.01, tooltip: 'weight of the pixel-level term (docs/scalecrafter-method.md §3)' },
      ...stepRangeInputs(0.3),
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  checkWidgets: ({ start, end }) => stepRangeProblems(start, end),
  execute: async ({ model, layers, eta, start, end }) => {
    const convs = (await layerDilations(model, layers, 1)).map((entry) => entry.conv);
    const transform = { smallKernelSize: 3, largeKernelSize: 5, upsampleFactor: 2, eta };
    return { outputs: [withPatch(model, { kind: 'disperse', schedule: { kind: 'dispersed', convs, transform, steps: stepRange(start, end) } })] };
  },
});
