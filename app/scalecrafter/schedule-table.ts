/**
 * The engine's view of a MODEL's ScaleCrafter schedule: the per-step dilation table of its patches
 * over its UNet's own candidate convs — the rows the Sampler will feed, and the heat map the
 * schedule editor draws.
 */
import type { ModelHandle } from '../diffusion/pipeline/values.js';
import type { ScheduleTable } from '../protocol/index.js';
import { dilationTable } from './dilation-table.js';
import { setupFromPatches } from './model-patches.js';
import { candidateConvsOf } from './prepared-unet-cache.js';

const isModelHandle = (value: unknown): value is ModelHandle =>
  typeof value === 'object' && value !== null && 'folder' in value && 'patches' in value && Array.isArray((value as ModelHandle).patches);

/** The table of a MODEL value (whatever a node produced: anything else is refused). */
export async function modelScheduleTable(model: unknown, steps: number): Promise<Omit<ScheduleTable, 'nodeId' | 'steps'>> {
  if (!isModelHandle(model)) throw new Error('the node did not produce a MODEL handle');
  const table = dilationTable(setupFromPatches(model.patches).schedule, await candidateConvsOf(model.folder.unet), steps);
  const { redilation, noiseDampedGuidance, dispersion } = table.ignored;
  return {
    convs: [...table.convs],
    main: table.perStep.map((step) => [...step.main]),
    noiseDampedBase: table.perStep.map((step) => (step.noiseDampedBase ? [...step.noiseDampedBase] : null)),
    dispersed: table.perStep.map((step) => [...step.dispersed]),
    ignored: [...new Set([...redilation, ...noiseDampedGuidance, ...dispersion])],
  };
}
