/**
 * The three numpy primitives diffusers builds its timestep schedules from, reproduced bit for bit
 * so that our timesteps equal diffusers' (a timestep one off changes the image).
 *
 * - `np.round` rounds half to even (499.5 → 500 but 166.5 → 166), unlike `Math.round`.
 * - `np.arange` with a float step: length = ceil((stop − start) / step); element 0 is `start`,
 *   element 1 is `start + step`, and element i ≥ 2 is `start + i·d` with d = (start + step) − start
 *   (numpy's DOUBLE_fill derives the increment from the first two elements, so it can differ from
 *   `step` in the last bit).
 * - `np.linspace(start, stop, num)`: start + i·((stop − start)/(num − 1)), last element exactly `stop`.
 */

/** numpy's `np.round` / `np.rint`: round to the nearest integer, ties to even. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** numpy's `np.arange(start, stop, step)` for float arguments. */
export function arange(start: number, stop: number, step: number): number[] {
  if (step === 0) throw new RangeError('arange: step must not be 0');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const values: number[] = [];
  if (length === 0) return values;
  values.push(start);
  if (length === 1) return values;
  const second = start + step;
  values.push(second);
  const increment = second - start;
  for (let i = 2; i < length; i++) values.push(start + i * increment);
  return values;
}

/** numpy's `np.linspace(start, stop, num)` (endpoint included). */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  if (num === 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const values: number[] = [];
  for (let i = 0; i < num; i++) values.push(i * step + start);
  values[num - 1] = stop;
  return values;
}
