import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expandRect, placeTile, rectArea, tileGrid } from '../../../app/diffusion/vae-tiling/tile-grid.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('tile grid', () => {
  test('tiles cover every latent pixel exactly once, at most tileSize a side, sizes within one of each other', () => {
    for (const [height, width, tileSize] of [[64, 64, 64], [100, 37, 16], [7, 9, 4], [5, 3, 1], [13, 128, 200]] as const) {
      const tiles = tileGrid({ height, width }, tileSize);
      const covered = new Uint8Array(height * width);
      for (const tile of tiles) {
        assert.ok(tile.bottom - tile.top <= tileSize && tile.right - tile.left <= tileSize, `tile ${JSON.stringify(tile)} exceeds ${tileSize}`);
        for (let y = tile.top; y < tile.bottom; y++) for (let x = tile.left; x < tile.right; x++) covered[y * width + x]!++;
      }
      assert.ok(covered.every((count) => count === 1), `${height}×${width} by ${tileSize}: some pixel is covered ${Math.max(...covered)} or 0 times`);
      const heights = new Set(tiles.map((tile) => tile.bottom - tile.top));
      const widths = new Set(tiles.map((tile) => tile.right - tile.left));
      assert.ok(Math.max(...heights) - Math.min(...heights) <= 1 && Math.max(...widths) - Math.min(...widths) <= 1);
      assert.equal(tiles.length, Math.ceil(height / tileSize) * Math.ceil(width / tileSize));
    }
  });

  test('a side that does not divide evenly is split into equal halves, not a full tile and a sliver', () => {
    assert.deepEqual(tileGrid({ height: 100, width: 10 }, 64).map((tile) => [tile.top, tile.bottom]), [[0, 50], [50, 100]]);
  });

  test('rejects tile sizes that are not positive whole numbers', () => {
    assert.throws(() => tileGrid({ height: 8, width: 8 }, 0), UserFacingError);
    assert.throws(() => tileGrid({ height: 8, width: 8 }, 2.5), UserFacingError);
  });

  test('an interior tile reads its halo on every side; a border tile stops at the image edge', () => {
    const latent = { height: 12, width: 12 };
    const segment = { inputScale: 2, outputScale: 2, halo: 1 };
    const interior = placeTile({ top: 4, left: 4, bottom: 8, right: 8 }, latent, segment);
    assert.deepEqual(interior.input, { top: 7, left: 7, bottom: 17, right: 17 });
    assert.deepEqual([interior.cropStart, interior.cropEnd], [[1, 1], [9, 9]]);
    const corner = placeTile({ top: 0, left: 0, bottom: 4, right: 4 }, latent, segment);
    assert.deepEqual(corner.input, { top: 0, left: 0, bottom: 9, right: 9 });
    assert.deepEqual([corner.cropStart, corner.cropEnd], [[0, 0], [8, 8]]);
    assert.deepEqual(expandRect({ top: 0, left: 10, bottom: 2, right: 12 }, 3, latent), { top: 0, left: 7, bottom: 5, right: 12 });
  });

  test('an upsampling segment crops its core at twice the input coordinates', () => {
    const placement = placeTile({ top: 2, left: 3, bottom: 5, right: 6 }, { height: 10, width: 10 }, { inputScale: 1, outputScale: 2, halo: 2 });
    assert.deepEqual(placement.input, { top: 0, left: 1, bottom: 7, right: 8 });
    assert.deepEqual(placement.core, { top: 4, left: 6, bottom: 10, right: 12 });
    // The output of the input region starts at 2 · (0, 1): the core sits 4 rows and 4 columns in.
    assert.deepEqual([placement.cropStart, placement.cropEnd], [[4, 4], [10, 10]]);
    assert.equal(rectArea(placement.core), 36);
  });
});
