import { defineNode } from '../app/engine/node-definition.js';
import { layerDilations, stepRange, stepRangeInputs, stepRangeProblems, withPatch } from '../app/scalecrafter/patch-inputs.js';

export const reDilate = defineNode({
  schema: {
    type: 'ReDilate',
    displayName: 'Re-Dilate (ScaleCrafter)',
    category: 'scalecrafter',
    description: 'Re-dilates the UNet\'s 3×3 convs over the first steps so objects stop repeating at high resolution.',
    version: 1,
    outputNode: false,
    editor: 'dilation-schedule',
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      {
        name: 'layers',
        kind: 'STRING',
        multiline: true,
        default: 'down_blocks.1\nmid_block\nup_blocks.0',
        tooltip: 'one module path (or prefix) per line, optionally :factor — e.g. down_blocks.2:3',
      },
      { name: 'factor', kind: 'FLOAT', default: 2, min: 1, max: 8, step: 0.1, tooltip: 'dilation for lines without their own :factor; fractional values resize around the conv' },
      ...stepRangeInputs(0.6),
      { name: 'progressive', kind: 'BOOLEAN', default: false, tooltip: 'shrink the dilation over the range: max(ceil(d·(tau−i)/tau), 2), as the reference\'s 2048² configs' },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  checkWidgets: ({ start, end }) => stepRangeProblems(start, end),
  execute: async ({ model, layers, factor, start, end, progressive }) => {
    const convs = await layerDilations(model, layers, factor);
    return { outputs: [withPatch(model, { kind: 'redilate', schedule: { kind: progressive ? 'progressive' : 'constant', convs, steps: stepRange(start, end) } })] };
  },
});
