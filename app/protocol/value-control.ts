/**
 * A widget's after-queue control, as ComfyUI's "control_after_generate" (ComfyUI_frontend
 * `scripts/valueControl.ts`): once a prompt has been queued with the current value, the value moves
 * on so the next queue samples something new (randomize), the next value (increment/decrement) or
 * the same again (fixed). Shared by the editor (after each Queue, batch count included) and the CLI
 * (`run --batch-count`), so both step exactly as ComfyUI's frontend does.
 */
import type { SeedControl } from './node-schema.js';

/**
 * ComfyUI keeps controlled numbers within ±2^50 ("something JavaScript can handle"), whatever the
 * widget's own range: a seed's range (up to 2^64 − 1 there) is cut to it too.
 */
export const CONTROL_LIMIT = 2 ** 50;

export interface ControlledRange {
  min: number;
  max: number;
  step: number;
}

/**
 * The value after one queue: ± one step, or `floor(random · (max − min) / step) · step + min`,
 * then clamped into the range (so an increment at the top stays there, as in ComfyUI).
 * `random` returns a float in [0, 1), like Math.random (injected so tests are deterministic).
 */
export function nextControlledValue(value: number, control: SeedControl, range: ControlledRange, random: () => number = Math.random): number {
  const min = Math.max(-CONTROL_LIMIT, range.min);
  const max = Math.min(CONTROL_LIMIT, range.max);
  let next = value;
  switch (control) {
    case 'fixed':
      return value;
    case 'increment':
      next += range.step;
      break;
    case 'decrement':
      next -= range.step;
      break;
    case 'randomize':
      next = Math.floor(random() * ((max - min) / range.step)) * range.step + min;
      break;
  }
  return Math.min(Math.max(next, min), max);
}
