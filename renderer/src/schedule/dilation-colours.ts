/**
 * The heat map's colour scale for a dilation factor. 1 (a plain conv) is nearly the panel's
 * background so that the re-dilated region stands out; 2, 3 and 4 follow viridis's perceptually
 * ordered hues (dark blue → green → yellow), and values in between are interpolated, so the
 * fractional dilations the engine supports (1.5, 2.5 …) get colours of their own. 4 and above
 * share the top colour: the reference never goes beyond 4 for SD 1.5/2.1 at 16× the pixels.
 */

export type Rgb = readonly [number, number, number];

export const DILATION_STOPS: ReadonlyArray<{ value: number; rgb: Rgb }> = [
  { value: 1, rgb: [46, 46, 54] },
  { value: 2, rgb: [49, 104, 142] },
  { value: 3, rgb: [53, 183, 121] },
  { value: 4, rgb: [253, 231, 37] },
];

/** What a step without the pass (ND-CFG inactive) is filled with, under a hatch. */
export const INACTIVE_PASS_RGB: Rgb = [24, 24, 27];

export const MAX_DISTINCT_DILATION = DILATION_STOPS.at(-1)!.value;

/** The legend's entries: the integer stops and one fractional sample. */
export const LEGEND_DILATIONS = [1, 1.5, 2, 3, 4] as const;

export function dilationColour(dilation: number): Rgb {
  const first = DILATION_STOPS[0]!;
  if (!(dilation > first.value)) return first.rgb;
  for (let index = 1; index < DILATION_STOPS.length; index += 1) {
    const upper = DILATION_STOPS[index]!;
    if (dilation > upper.value) continue;
    const lower = DILATION_STOPS[index - 1]!;
    const t = (dilation - lower.value) / (upper.value - lower.value);
    return [mix(lower.rgb[0], upper.rgb[0], t), mix(lower.rgb[1], upper.rgb[1], t), mix(lower.rgb[2], upper.rgb[2], t)];
  }
  return DILATION_STOPS.at(-1)!.rgb;
}

export function cssColour([red, green, blue]: Rgb): string {
  return `rgb(${red} ${green} ${blue})`;
}

/** How the read-out names a dilation: `×1 (plain)`, `×1.5`, `×4`. */
export function dilationLabel(dilation: number): string {
  return dilation <= 1 ? '×1 (plain)' : `×${Number(dilation.toFixed(2))}`;
}

/** How the legend names a stop: the top one stands for itself and everything above it. */
export function legendLabel(dilation: number): string {
  if (dilation <= 1) return '×1';
  return dilation >= MAX_DISTINCT_DILATION ? `×${dilation}+` : `×${dilation}`;
}

function mix(from: number, to: number, t: number): number {
  return Math.round(from + (to - from) * t);
}
