/**
 * The control feeds of a prepared UNet for one call (docs/scalecrafter-controls.md): a dilation
 * factor and a dispersion flag per prepared conv, in the order the model's metadata lists them.
 * The sampler makes one call per pass and step — the guided pass with the step's `main`
 * dilations, and while noise-damped CFG is active the base pass with `noiseDampedBase` — and the
 * dispersion flags apply to both passes, as in the reference.
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { DilationTable } from '../dilation-table.js';
import type { DispersionSchedule } from '../schedule.js';
import type { ConvName } from '../unet-convs.js';
import { DILATION_INPUT, DISPERSION_INPUT, type PreparedUnetLayout } from './prepared-unet-format.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

// What a sampler needs besides the feeds: is this UNet (or session) prepared, and its conv order.
export { isPreparedUnet, readPreparedUnetLayout, type PreparedUnetLayout } from './prepared-unet-format.js';

export interface ConvControl {
  /** requested dilation factor pf ≥ 1 (fractional allowed); 1 = as trained */
  readonly dilation: number;
  readonly dispersed: boolean;
}

/** Which UNet evaluation of a step the feeds are for (docs/scalecrafter-method.md §2). */
export type UnetPass = 'main' | 'noiseDampedBase';

/** pf must be a finite number ≥ 1 (the graph computes d = ceil(pf) and resizes by d/pf). */
function checkDilation(conv: ConvName, dilation: number, where: string): void {
  if (!Number.isFinite(dilation) || dilation < 1) {
    throw new UserFacingError(`${where}: dilation ${dilation} for conv ${conv} must be a finite number ≥ 1 (1 = off)`);
  }
}

/**
 * Feeds for explicit per-conv controls; convs the map leaves out stay off. A name the model does
 * not have is an error: the controls were made for another UNet.
 */
export function controlFeeds(layout: PreparedUnetLayout, controls: ReadonlyMap<ConvName, ConvControl>, where = 'controls'): Record<string, HostTensor> {
  const position = new Map(layout.convs.map((conv, index) => [conv, index]));
  const dilation = new Float64Array(layout.convs.length).fill(1);
  const dispersion = new Uint8Array(layout.convs.length);
  for (const [conv, control] of controls) {
    const index = position.get(conv);
    if (index === undefined) {
      throw new UserFacingError(`${where}: conv ${conv} is not among the ${layout.convs.length} convs this UNet was prepared with (${layout.convs.slice(0, 4).join(', ')}, …)`);
    }
    checkDilation(conv, control.dilation, where);
    dilation[index] = control.dilation;
    dispersion[index] = control.dispersed ? 1 : 0;
  }
  return {
    [DILATION_INPUT]: { type: 'float64', data: dilation, dims: [dilation.length] },
    [DISPERSION_INPUT]: { type: 'bool', data: dispersion, dims: [dispersion.length] },
  };
}

/** Feeds that run every conv as trained: the prepared UNet then computes what the original does. */
export function offControlFeeds(layout: PreparedUnetLayout): Record<string, HostTensor> {
  return controlFeeds(layout, new Map());
}

/** Feeds for `pass` at `step` of a dilation table (dilationTable() of the run's schedule). */
export function stepControlFeeds(layout: PreparedUnetLayout, table: DilationTable, step: number, pass: UnetPass): Record<string, HostTensor> {
  const controls = table.perStep[step];
  if (!Number.isInteger(step) || controls === undefined) {
    throw new UserFacingError(`step ${step} is outside the table's ${table.steps} steps (0 … ${table.steps - 1})`);
  }
  const dilations = pass === 'main' ? controls.main : controls.noiseDampedBase;
  if (dilations === null) {
    throw new UserFacingError(`step ${step}: noise-damped guidance is not active, so there is no base pass to feed (check StepControls.noiseDampedBase first)`);
  }
  const perConv = new Map<ConvName, ConvControl>();
  table.convs.forEach((conv, index) => {
    const dilation = dilations[index]!;
    const dispersed = controls.dispersed[index]!;
    if (dilation !== 1 || dispersed) perConv.set(conv, { dilation, dispersed });
  });
  return controlFeeds(layout, perConv, `step ${step}, ${pass} pass`);
}

/**
 * The in-graph dispersion transform R is fixed when the UNet is prepared: a schedule that asks for
 * another (k, K, s, η) needs the UNet prepared again with those parameters.
 */
export function checkDispersionFits(layout: PreparedUnetLayout, dispersion: DispersionSchedule): void {
  if (dispersion.kind === 'off') return;
  const wanted = dispersion.transform;
  const built = layout.dispersion;
  const same = wanted.smallKernelSize === built.smallKernelSize && wanted.largeKernelSize === built.largeKernelSize
    && wanted.upsampleFactor === built.upsampleFactor && wanted.eta === built.eta;
  if (!same) {
    throw new UserFacingError(
      `the schedule disperses ${wanted.smallKernelSize}→${wanted.largeKernelSize} with s = ${wanted.upsampleFactor}, η = ${wanted.eta}, ` +
        `but this UNet was prepared with ${built.smallKernelSize}→${built.largeKernelSize}, s = ${built.upsampleFactor}, η = ${built.eta}; ` +
        `prepare it again with \`scalecrafter models prepare --eta ${wanted.eta}\``,
    );
  }
}
