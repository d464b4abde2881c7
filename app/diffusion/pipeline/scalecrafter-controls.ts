/**
 * Turns a MODEL's patches into the per-step feeds of the ScaleCrafter-prepared UNet: the dilation
 * table of the run's schedule (computed once per run from its step count) read row by row.
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import { dilationTable, type DilationTable } from '../../scalecrafter/dilation-table.js';
import type { PatchedUnetSetup } from '../../scalecrafter/model-patches.js';
import { checkDispersionFits, stepControlFeeds } from '../../scalecrafter/prepare/controls.js';
import type { PreparedUnetLayout } from '../../scalecrafter/prepare/prepared-unet-format.js';

export type StepControlProvider = (stepIndex: number, totalSteps: number) => { main: Record<string, HostTensor>; base: Record<string, HostTensor> | null };

export function scaleCrafterControls(setup: PatchedUnetSetup, layout: PreparedUnetLayout, constantFeeds: Record<string, HostTensor> = {}): StepControlProvider {
  checkDispersionFits(layout, setup.schedule.dispersion);
  let table: DilationTable | undefined;
  return (stepIndex, totalSteps) => {
    if (table?.steps !== totalSteps) table = dilationTable(setup.schedule, layout.convs, totalSteps);
    const main = { ...stepControlFeeds(layout, table, stepIndex, 'main'), ...constantFeeds };
    const base = table.perStep[stepIndex]!.noiseDampedBase === null ? null : { ...stepControlFeeds(layout, table, stepIndex, 'noiseDampedBase'), ...constantFeeds };
    return { main, base };
  };
}
