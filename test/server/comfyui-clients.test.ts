/**
 * Real ComfyUI clients against a real `scalecrafter serve`: Python scripts that take exactly the
 * protocol steps of ComfyUI's script_examples (basic_api_example.py, websockets_api_example.py,
 * websockets_api_example_ws_images.py; ComfyUI's files are GPL and not copied here), run by
 * Debian's python3 with Debian's python3-websocket, with only the server address and the checkpoint
 * name changed (tiny-sd, so the examples' 512×512, 20-step prompt runs in seconds on a CPU).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { startServe, type ServeProcess } from '../e2e/serve-process.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const CLIENTS = fileURLToPath(new URL('./comfyui-clients/', import.meta.url));

async function pythonHasWebsocketClient(): Promise<boolean> {
  try {
    await run(PYTHON, ['-c', 'import websocket']);
    return true;
  } catch {
    return false;
  }
}

const missing = (await pythonHasWebsocketClient()) ? false : `${PYTHON} cannot import websocket: install Debian's python3-websocket (apt-get install python3-websocket; .ci/run does)`;

/** Runs one client script; its last stdout line is JSON. */
async function runClient(script: string, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON, [path.join(CLIENTS, script), ...args], { timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

describe("ComfyUI's script_examples against serve", { skip: missing }, () => {
  let serve: ServeProcess;
  let address: string;
  const received = mkdtempSync(path.join(tmpdir(), 'comfy-clients-'));

  before(async () => {
    serve = await startServe({ modelsDir: await tinyModelsDir() });
    address = new URL(serve.url).host;
  });
  after(async () => {
    await serve?.stop();
  });

  test('websockets_api_example: waits for executing node None, then reads /history and /view', async () => {
    const out = mkdtempSync(path.join(received, 'ws-'));
    const result = (await runClient('websockets_api_client.py', address, 'tiny-sd', out)) as { prompt_id: string; history: { outputs: Record<string, { images: Array<{ filename: string; type: string }> }> }; images: Record<string, string[]>; messages: string[] };
    const [image] = result.history.outputs['9']!.images;
    assert.equal(image!.type, 'output');
    assert.deepEqual(Object.keys(result.images), ['9']);
    assert.deepEqual(readFileSync(result.images['9']![0]!), readFileSync(path.join(serve.outputDir, image!.filename)));
    // The first run of this prompt: nothing cached, so the sampler reports progress and previews.
    for (const type of ['status', 'execution_start', 'execution_cached', 'executing', 'progress', 'executed', 'execution_success', 'binary']) assert.ok(result.messages.includes(type), type);
  });

  test('websockets_api_example_ws_images: SaveImageWebsocket sends the image as a binary frame', async () => {
    const out = mkdtempSync(path.join(received, 'ws-images-'));
    const result = (await runClient('websockets_images_client.py', address, 'tiny-sd', out)) as { images: Record<string, string[]> };
    const frames = result.images.save_image_websocket_node!;
    assert.equal(frames.length, 1, 'one image, one frame (the sampler\'s previews arrive while node 3 runs)');
    const png = decodePng(readFileSync(frames[0]!));
    assert.deepEqual([png.width, png.height], [512, 512]);
  });
  test('basic_api_example: a bare POST /prompt queues the prompt; it runs (from the cache the others left) to a saved image', async () => {
    const reply = await runClient('basic_api_client.py', address, 'tiny-sd');
    assert.deepEqual(reply.node_errors, {});
    const promptId = reply.prompt_id as string;
    let entry: { status?: { status_str: string }; outputs: Record<string, { images: Array<{ filename: string }> }> } | undefined;
    for (let waited = 0; !entry?.status && waited < 120_000; waited += 200) {
      entry = ((await (await fetch(`${serve.url}/history/${promptId}`)).json()) as Record<string, typeof entry>)[promptId];
      if (!entry) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(entry?.status?.status_str, 'success');
    const [image] = entry!.outputs['9']!.images;
    assert.match(image!.filename, /^ComfyUI_\d{5}_\.png$/);
    assert.equal(decodePng(readFileSync(path.join(serve.outputDir, image!.filename))).width, 512);
  });

});
