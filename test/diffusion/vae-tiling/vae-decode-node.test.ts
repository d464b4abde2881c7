/**
 * The VAEDecode node's tile_size through the engine (the node file is nodes/vae-decode.ts; this
 * test sits with the tiling it drives): the default workflow on tiny-sd (an SD VAE; the bundled
 * pixel-space model has nothing to tile) decoded in tiles writes the image it writes untiled, workflows saved before the widget existed load with tiling off, and a tile size
 * the VAE cannot split on is named.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { decodePng } from '../../../app/imaging/png-metadata.js';
import { loadWorkflow } from '../../../app/engine/workflow-load.js';
import { defaultWorkflow, nodeOfType, TINY_SD_SIDE, tinySdWorkflow } from '../../support/default-workflow.js';
import { EngineHarness } from '../../support/engine-harness.js';
import { tinyModelsDir } from '../../support/tiny-model.js';

describe('VAEDecode tile_size', () => {
  let engine: EngineHarness;
  before(async () => {
    engine = new EngineHarness({ modelsDir: await tinyModelsDir() });
  });

  const decodeWith = async (tileSize: number | undefined, prefix: string) => {
    const workflow = tinySdWorkflow();
    if (tileSize !== undefined) {
      const decode = nodeOfType(workflow, 'VAEDecode');
      decode.version = 2;
      decode.widgets = { ...decode.widgets, tile_size: tileSize };
    }
    nodeOfType(workflow, 'SaveImage').widgets.filename_prefix = prefix;
    const job = await engine.run(workflow);
    assert.equal(job.end.type, 'done', JSON.stringify(job.end));
    const [image] = (job.outputOf(String(nodeOfType(workflow, 'SaveImage').id))?.images ?? []) as Array<{ filename: string; subfolder: string }>;
    return { job, pixels: decodePng(readFileSync(path.join(engine.outputDir, image!.subfolder, image!.filename))).data };
  };

  test('64-pixel tiles write the untiled image (8-bit pixels within one step of rounding) and say how they ran', async () => {
    const whole = await decodeWith(undefined, 'whole');
    const tile = 64;
    const tiled = await decodeWith(tile, 'tiled');
    assert.equal(tiled.pixels.length, whole.pixels.length);
    assert.ok(tiled.pixels.every((value, i) => Math.abs(value - whole.pixels[i]!) <= 1), 'a tiled pixel is more than one 8-bit step from the whole decode');
    const messages = tiled.job.events.flatMap((event) => (event.type === 'message' ? [event.text] : []));
    const tiles = (TINY_SD_SIDE / tile) ** 2;
    assert.ok(messages.some((text) => new RegExp(`tiled VAE decode .* ${tiles} tiles of at most ${tile} px`).test(text)), messages.join('\n'));
  });

  test('a version-1 VAEDecode loads with tile_size 0; a tile size off the 8-pixel grid is refused by field', async () => {
    const loaded = loadWorkflow(defaultWorkflow(), engine.registry);
    assert.ok(loaded.ok);
    const decode = nodeOfType(loaded.workflow, 'VAEDecode');
    assert.equal(decode.version, 2);
    assert.equal(decode.widgets.tile_size, 0);
    const workflow = defaultWorkflow();
    const node = nodeOfType(workflow, 'VAEDecode');
    node.version = 2;
    node.widgets = { ...node.widgets, tile_size: 100 };
    const queued = engine.enqueue(workflow);
    assert.ok(!queued.ok);
    assert.ok(queued.issues.some((issue) => issue.field === 'tile_size' && /not a multiple of 8/.test(issue.message)), JSON.stringify(queued.issues));
  });
});
