/**
 * Which training timesteps an N-step run visits, in diffusers' `set_timesteps` (table 2 of Lin et
 * al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed"). Descending order.
 *
 * DDIM and the Euler family share one set of formulas; DPM-Solver multistep uses its own (it
 * spaces N + 1 points and drops the last).
 */
import type { SchedulerConfig, TimestepSpacing } from './scheduler-config.js';
import { arange, linspace, roundHalfEven } from './numpy-ranges.js';

/**
 * DDIM / Euler / Euler ancestral timesteps, descending:
 * - leading:  arange(N) · (T // N), reversed, + steps_offset          (T = num_train_timesteps)
 * - trailing: round(arange(T, 0, −T/N)) − 1
 * - linspace: linspace(0, T − 1, N) reversed — NOT rounded (DDIM rounds it, the Euler family keeps
 *   the fractional values), so callers round if their scheduler does.
 */
export function spacedTimesteps(config: SchedulerConfig, spacing: TimestepSpacing, steps: number): number[] {
  const trainSteps = config.num_train_timesteps;
  switch (spacing) {
    case 'leading': {
      const ratio = Math.floor(trainSteps / steps);
      return descendingMultiples(steps, ratio).map((t) => t + config.steps_offset);
    }
    case 'trailing':
      return trailing(trainSteps, trainSteps, steps);
    case 'linspace':
      return linspace(0, trainSteps - 1, steps).reverse();
  }
}

/**
 * DPMSolverMultistepScheduler timesteps (integers), descending:
 * - linspace: round(linspace(0, T − 1, N + 1)) reversed, last dropped
 * - leading:  arange(N + 1) · (T // (N + 1)) reversed, last dropped, + steps_offset
 * - trailing: as for DDIM.
 */
export function dpmSolverTimesteps(config: SchedulerConfig, spacing: TimestepSpacing, steps: number): number[] {
  const trainSteps = config.num_train_timesteps;
  switch (spacing) {
    case 'linspace':
      return linspace(0, trainSteps - 1, steps + 1).map(roundHalfEven).reverse().slice(0, steps);
    case 'leading': {
      const ratio = Math.floor(trainSteps / (steps + 1));
      return descendingMultiples(steps + 1, ratio)
        .slice(0, steps)
        .map((t) => t + config.steps_offset);
    }
    case 'trailing':
      return trailing(trainSteps, trainSteps, steps);
  }
}

/** [ (count−1)·ratio, …, ratio, 0 ] */
function descendingMultiples(count: number, ratio: number): number[] {
  const values: number[] = [];
  for (let i = count - 1; i >= 0; i--) values.push(i * ratio);
  return values;
}

function trailing(start: number, trainSteps: number, steps: number): number[] {
  // numpy's float arange sometimes yields N + 1 elements (e.g. N = 61: the extra one is −5.7e-13,
  // which diffusers turns into timestep −1 and indexes ᾱ[−1], the *last* table entry). That is an
  // artefact, not a schedule: keep the N timesteps diffusers means.
  return arange(start, 0, -trainSteps / steps)
    .slice(0, steps)
    .map((t) => roundHalfEven(t) - 1);
}
