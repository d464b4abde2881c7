/**
 * ComfyUI's ImageStitch (comfy_extras/nodes_images.py, upstreamed from KJNodes): image2 placed to
 * the right of, below, left of or above image1, with an optional strip between them. The shorter
 * batch repeats its last image; image2 is either resized to image1's height (side by side) or width
 * (stacked) by lanczos, or the smaller one is padded, centred, to the other's size.
 */
import { UserFacingError } from '../protocol/user-facing-error.js';
import type { ImageBatch } from './image-batch.js';
import { resizeImage } from './image-scale.js';

export const STITCH_DIRECTIONS = ['right', 'down', 'left', 'up'] as const;
export type StitchDirection = (typeof STITCH_DIRECTIONS)[number];
export const SPACING_COLORS = ['white', 'black', 'red', 'green', 'blue'] as const;
export type SpacingColor = (typeof SPACING_COLORS)[number];

const SPACING_RGB: Readonly<Record<SpacingColor, readonly [number, number, number]>> = {
  white: [1, 1, 1],
  black: [0, 0, 0],
  red: [1, 0, 0],
  green: [0, 1, 0],
  blue: [0, 0, 1],
};

export interface StitchOptions {
  readonly direction: StitchDirection;
  readonly matchImageSize: boolean;
  /** Odd widths are rounded up to even, as ComfyUI does. */
  readonly spacingWidth: number;
  readonly spacingColor: SpacingColor;
}

const isSideBySide = (direction: StitchDirection) => direction === 'left' || direction === 'right';

export function stitchImages(image1: ImageBatch, image2: ImageBatch | undefined, options: StitchOptions): ImageBatch {
  if (image2 === undefined) return image1;
  const batch = Math.max(image1.batch, image2.batch);
  const matched = options.matchImageSize ? matchSize(image2, image1, options.direction) : image2;
  const [lead, trail] = options.direction === 'left' || options.direction === 'up' ? [matched, image1] : [image1, matched];
  const spacing = options.spacingWidth + (options.spacingWidth % 2);
  const sideBySide = isSideBySide(options.direction);
  const height = sideBySide ? Math.max(lead.height, trail.height) : lead.height + spacing + trail.height;
  const width = sideBySide ? lead.width + spacing + trail.width : Math.max(lead.width, trail.width);
  // ComfyUI pads with 1.0 for white and 0.0 for every other colour: red, green and blue are tuples,
  // which its `pad_value` ignores, so their padding is black while the strip has the colour.
  const canvas: ImageBatch = { batch, height, width, pixels: new Float32Array(batch * height * width * 3).fill(options.spacingColor === 'white' ? 1 : 0) };
  // Padding centres the smaller image (the extra row or column goes below or right); matched sizes need none.
  const centred = (outer: number, inner: number) => Math.floor((outer - inner) / 2);
  if (sideBySide) {
    paint(canvas, { top: 0, left: lead.width, height, width: spacing }, SPACING_RGB[options.spacingColor]);
    paste(canvas, lead, centred(height, lead.height), 0);
    paste(canvas, trail, centred(height, trail.height), lead.width + spacing);
  } else {
    paint(canvas, { top: lead.height, left: 0, height: spacing, width }, SPACING_RGB[options.spacingColor]);
    paste(canvas, lead, 0, centred(width, lead.width));
    paste(canvas, trail, lead.height + spacing, centred(width, trail.width));
  }
  return canvas;
}

/** image2 resized as ComfyUI's match_image_size does: image1's height (or width), the other side by image2's aspect ratio, truncated. */
function matchSize(image2: ImageBatch, image1: ImageBatch, direction: StitchDirection): ImageBatch {
  const aspectRatio = image2.width / image2.height;
  const sideBySide = isSideBySide(direction);
  const width = sideBySide ? Math.trunc(image1.height * aspectRatio) : image1.width;
  const height = sideBySide ? image1.height : Math.trunc(image1.width / aspectRatio);
  if (width === 0 || height === 0) {
    throw new UserFacingError(`matching image2 (${image2.width}×${image2.height}) to image1 (${image1.width}×${image1.height}) would leave it ${width}×${height} pixels`, {
      field: 'match_image_size',
      hint: 'turn match_image_size off to pad instead, or stitch in the other direction',
    });
  }
  // ComfyUI calls common_upscale even at the same size, so image2 always goes through lanczos's 8 bits.
  return resizeImage(image2, width, height, 'lanczos', 'disabled');
}

/** Every image of `canvas` gets the colour over the rectangle. */
function paint(canvas: ImageBatch, area: { top: number; left: number; height: number; width: number }, rgb: readonly number[]): void {
  for (let n = 0; n < canvas.batch; n++) {
    for (let y = area.top; y < area.top + area.height; y++) {
      for (let x = area.left; x < area.left + area.width; x++) canvas.pixels.set(rgb, ((n * canvas.height + y) * canvas.width + x) * 3);
    }
  }
}

/** Copies each image of `image` onto the canvas's at (top, left); past its batch, its last image repeats. */
function paste(canvas: ImageBatch, image: ImageBatch, top: number, left: number): void {
  const row = image.width * 3;
  for (let n = 0; n < canvas.batch; n++) {
    const source = Math.min(n, image.batch - 1);
    for (let y = 0; y < image.height; y++) {
      const from = (source * image.height + y) * row;
      canvas.pixels.set(image.pixels.subarray(from, from + row), ((n * canvas.height + top + y) * canvas.width + left) * 3);
    }
  }
}
