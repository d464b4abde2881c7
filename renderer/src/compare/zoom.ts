/**
 * The image viewer's zoom and pan, as numbers: `scale` is screen pixels per image pixel (1 = full
 * size), `x`/`y` move the image's centre away from the pane's centre. Pure, so the rules (zooming
 * keeps the point under the pointer still; limits) are tested without a browser.
 */
export interface Size {
  width: number;
  height: number;
}

export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 64;
/** One wheel notch or one +/− press. */
export const ZOOM_STEP = 1.25;

const clampScale = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

/** The whole image in the pane (small outputs are enlarged to fill it), centred. */
export function fitted(image: Size, pane: Size): ZoomState {
  if (image.width <= 0 || image.height <= 0 || pane.width <= 0 || pane.height <= 0) return { scale: 1, x: 0, y: 0 };
  return { scale: clampScale(Math.min(pane.width / image.width, pane.height / image.height)), x: 0, y: 0 };
}

/** One image pixel per screen pixel, centred. */
export const fullSize = (): ZoomState => ({ scale: 1, x: 0, y: 0 });

/**
 * Zooms by `factor` about `point` (relative to the pane's centre), so what is under the pointer
 * stays under it.
 */
export function zoomedAt(state: ZoomState, factor: number, point: { x: number; y: number } = { x: 0, y: 0 }): ZoomState {
  const scale = clampScale(state.scale * factor);
  const ratio = scale / state.scale;
  return { scale, x: point.x - (point.x - state.x) * ratio, y: point.y - (point.y - state.y) * ratio };
}

export const panned = (state: ZoomState, dx: number, dy: number): ZoomState => ({ ...state, x: state.x + dx, y: state.y + dy });
