/**
 * ComfyUI's ImageStitch (comfy_extras/nodes_images.py) written naively on [B, H, W, C] arrays, step by
 * step as its torch code runs: repeat the shorter batch's last image, match image2's size (the
 * resize is passed in: the project's own, which has its own tests) or pad the smaller image with
 * `torch.nn.functional.pad(…, value=pad_value)`, build the spacing tensor, `torch.cat` along the
 * width (dim 2) or height (dim 1). Every element is written by an explicit loop over indices.
 */
import { NdArray } from './ndarray.js';

type Image = NdArray; // [B, H, W, C]

const dims = (image: Image) => image.shape as [number, number, number, number];

/** A new [B, H, W, C] array whose element at (n, y, x, c) is `value(n, y, x, c)`. */
function build(shape: [number, number, number, number], value: (n: number, y: number, x: number, c: number) => number): Image {
  const [b, h, w, ch] = shape;
  const data = new Float32Array(b * h * w * ch);
  let i = 0;
  for (let n = 0; n < b; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) data[i++] = value(n, y, x, c);
  return new NdArray([...shape], data);
}

/** torch.cat([image, image[-1:].repeat(…)]) up to `batch` images. */
function repeatLast(image: Image, batch: number): Image {
  const [b, h, w, c] = dims(image);
  return build([batch, h, w, c], (n, y, x, ch) => image.at(Math.min(n, b - 1), y, x, ch));
}

/** F.pad with constant `value`: `top`/`bottom` rows and `left`/`right` columns added. */
function pad(image: Image, top: number, bottom: number, left: number, right: number, value: number): Image {
  const [b, h, w, c] = dims(image);
  return build([b, h + top + bottom, w + left + right, c], (n, y, x, ch) => {
    const sy = y - top;
    const sx = x - left;
    return sy >= 0 && sy < h && sx >= 0 && sx < w ? image.at(n, sy, sx, ch) : value;
  });
}

/** torch.cat along dim 1 (height) or 2 (width). */
function concat(images: Image[], dim: 1 | 2): Image {
  const [b, , , c] = dims(images[0]!);
  const h = dim === 1 ? images.reduce((sum, image) => sum + dims(image)[1], 0) : dims(images[0]!)[1];
  const w = dim === 2 ? images.reduce((sum, image) => sum + dims(image)[2], 0) : dims(images[0]!)[2];
  return build([b, h, w, c], (n, y, x, ch) => {
    let at = dim === 1 ? y : x;
    for (const image of images) {
      const size = dims(image)[dim];
      if (at < size) return dim === 1 ? image.at(n, at, x, ch) : image.at(n, y, at, ch);
      at -= size;
    }
    throw new RangeError('concat index past the last image');
  });
}

const COLORS: Record<string, number | [number, number, number]> = { white: 1, black: 0, red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] };

export interface ReferenceStitch {
  direction: 'right' | 'down' | 'left' | 'up';
  matchImageSize: boolean;
  spacingWidth: number;
  spacingColor: 'white' | 'black' | 'red' | 'green' | 'blue';
  /** common_upscale(image, width, height, "lanczos", "disabled") on [B, H, W, C]. */
  resize: (image: Image, width: number, height: number) => Image;
}

export function stitchReference(image1In: Image, image2In: Image | undefined, options: ReferenceStitch): Image {
  if (image2In === undefined) return image1In;
  const batch = Math.max(dims(image1In)[0], dims(image2In)[0]);
  let image1 = dims(image1In)[0] < batch ? repeatLast(image1In, batch) : image1In;
  let image2 = dims(image2In)[0] < batch ? repeatLast(image2In, batch) : image2In;
  const horizontal = options.direction === 'left' || options.direction === 'right';
  if (options.matchImageSize) {
    const [, h1, w1] = dims(image1);
    const [, h2, w2] = dims(image2);
    const aspectRatio = w2 / h2;
    image2 = horizontal ? options.resize(image2, Math.trunc(h1 * aspectRatio), h1) : options.resize(image2, w1, Math.trunc(w1 / aspectRatio));
  }
  const color = COLORS[options.spacingColor]!;
  if (!options.matchImageSize) {
    const padValue = typeof color === 'number' ? color : 0;
    const axis = horizontal ? 1 : 2;
    const target = Math.max(dims(image1)[axis], dims(image2)[axis]);
    const padded = (image: Image) => {
      const extra = target - dims(image)[axis];
      if (extra === 0) return image;
      const before = Math.floor(extra / 2);
      return horizontal ? pad(image, before, extra - before, 0, 0, padValue) : pad(image, 0, 0, before, extra - before, padValue);
    };
    image1 = padded(image1);
    image2 = padded(image2);
  }
  const parts = options.direction === 'left' || options.direction === 'up' ? [image2, image1] : [image1, image2];
  if (options.spacingWidth > 0) {
    const width = options.spacingWidth + (options.spacingWidth % 2);
    const [b, h1, w1, c] = dims(image1);
    const shape: [number, number, number, number] = horizontal ? [b, Math.max(h1, dims(image2)[1]), width, c] : [b, width, Math.max(w1, dims(image2)[2]), c];
    parts.splice(1, 0, build(shape, (_n, _y, _x, ch) => (typeof color === 'number' ? color : color[ch]!)));
  }
  return concat(parts, horizontal ? 2 : 1);
}
