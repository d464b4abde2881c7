import { defineNode } from '../app/engine/node-definition.js';
import { PAINTED_SCHEDULE_WIDGET, parsePaintedSchedule } from '../app/protocol/painted-schedule.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';
import { DEFAULT_DISPERSION_PARAMS } from '../app/scalecrafter/dispersion-transform.js';
import { paintedPatches } from '../app/scalecrafter/painted-patches.js';
import { candidateConvsOf } from '../app/scalecrafter/prepared-unet-cache.js';
import { withPatch } from '../app/scalecrafter/patch-inputs.js';

/** The problem of a bad schedule text, or none; a parse that fails names what in the text is wrong. */
function scheduleProblems(text: string | undefined) {
  if (text === undefined) return [];
  try {
    parsePaintedSchedule(text);
    return [];
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    return [{ field: PAINTED_SCHEDULE_WIDGET, message: error.message, ...(error.hint ? { hint: error.hint } : {}) }];
  }
}

export const paintedSchedule = defineNode({
  schema: {
    type: 'PaintedSchedule',
    displayName: 'Painted Schedule (ScaleCrafter)',
    category: 'scalecrafter',
    description: 'Re-dilation, ND-CFG base pass and dispersion painted per conv and per step on the schedule editor\'s heat map; replaces the other ScaleCrafter patches before it.',
    version: 1,
    outputNode: false,
    editor: 'painted-schedule',
    idempotent: true,
    inputs: [
      { name: 'model', kind: 'socket', type: 'MODEL' },
      {
        name: PAINTED_SCHEDULE_WIDGET,
        kind: 'STRING',
        multiline: true,
        default: '',
        tooltip: 'painted on the Dilation schedule panel: {"steps":N,"guided":{conv:"2*18 1*12"},"ndcfg":null|{"active":"1*12 0*18","convs":{…}},"dispersed":{conv:"1*9 0*21"}}',
      },
      { name: 'eta', kind: 'FLOAT', default: 0.05, min: 0, max: 10, step: 0.01, tooltip: 'dispersion: weight of the pixel-level term (SCALECRAFTER.md §3)' },
    ],
    outputs: [{ name: 'MODEL', type: 'MODEL' }],
  },
  checkWidgets: ({ schedule }) => scheduleProblems(schedule),
  execute: async ({ model, schedule, eta }) => {
    const transform = { ...DEFAULT_DISPERSION_PARAMS, eta };
    try {
      const patches = paintedPatches(parsePaintedSchedule(schedule), await candidateConvsOf(model.folder.unet), transform);
      return { outputs: [patches.reduce(withPatch, model)] };
    } catch (error) {
      if (error instanceof UserFacingError) throw error.atField(PAINTED_SCHEDULE_WIDGET);
      throw error;
    }
  },
});
