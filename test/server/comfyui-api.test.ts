import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { EngineClient } from '../../app/engine/engine-client.js';
import type { HistoryEntry } from '../../app/protocol/index.js';
import { decodePng, encodeRgbPng } from '../../app/imaging/png-metadata.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import { tinyModelsDir } from '../support/tiny-model.js';

/** ComfyUI's text-to-image API prompt (script_examples), on tiny-sd at a small size and few steps. */
function txt2imgPrompt(overrides: { steps?: number; seed?: number } = {}): Record<string, { class_type: string; inputs: Record<string, unknown> }> {
  return {
    '3': { class_type: 'KSampler', inputs: { cfg: 8, denoise: 1, latent_image: ['5', 0], model: ['4', 0], negative: ['7', 0], positive: ['6', 0], sampler_name: 'euler', scheduler: 'normal', seed: overrides.seed ?? 5, steps: overrides.steps ?? 2 } },
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'tiny-sd' } },
    '5': { class_type: 'EmptyLatentImage', inputs: { batch_size: 1, height: 64, width: 64 } },
    '6': { class_type: 'CLIPTextEncode', inputs: { clip: ['4', 1], text: 'masterpiece best quality man' } },
    '7': { class_type: 'CLIPTextEncode', inputs: { clip: ['4', 1], text: 'bad hands' } },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
  };
}

type Message = { type: string; data: Record<string, unknown> } | { binary: Buffer };

/** A ComfyUI WebSocket client that records every message, JSON or binary. */
async function comfySocket(base: string, clientId?: string): Promise<{ messages: Message[]; until(test: (message: Message) => boolean): Promise<void>; close(): void }> {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/ws${clientId ? `?clientId=${clientId}` : ''}`);
  const messages: Message[] = [];
  socket.on('message', (data: Buffer, isBinary: boolean) => messages.push(isBinary ? { binary: data } : (JSON.parse(data.toString()) as Message)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    messages,
    async until(check) {
      for (let waited = 0; !messages.some(check); waited += 20) {
        if (waited > 60_000) throw new Error(`no such message within 60 s; got ${messages.map((m) => ('type' in m ? m.type : 'binary')).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => socket.close(),
  };
}

const isType = (type: string) => (message: Message) => 'type' in message && message.type === type;
const dataOf = (message: Message | undefined) => (message && 'type' in message ? message.data : undefined);

async function postPrompt(base: string, body: unknown, route = '/prompt'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}${route}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("ComfyUI's API", () => {
  let engine: EngineClient;
  let api: HttpApi;
  const outputDir = mkdtempSync(path.join(tmpdir(), 'comfy-api-out-'));
  const inputDir = mkdtempSync(path.join(tmpdir(), 'comfy-api-in-'));
  before(async () => {
    engine = await EngineClient.start({ modelsDir: await tinyModelsDir() });
    api = await startHttpApi({ engine, outputDir, inputDir, host: '127.0.0.1', port: 0, rendererDir: null });
  });
  after(async () => {
    await api.close();
    await engine.close();
  });

  test('object_info lists our types and ComfyUI class names with its input spec shape', async () => {
    const info = (await (await fetch(`${api.url}/object_info`)).json()) as Record<string, { input: { required: Record<string, unknown[]>; optional?: Record<string, unknown[]> }; output: string[]; output_node: boolean; name: string; display_name: string; output_is_list: boolean[]; output_name: string[] }>;
    const ksampler = info.KSampler!;
    assert.equal(ksampler.name, 'KSampler');
    assert.deepEqual(ksampler.output, ['LATENT']);
    assert.deepEqual(ksampler.output_is_list, [false]);
    assert.equal(ksampler.output_node, false);
    assert.deepEqual(ksampler.input.required.model, ['MODEL']);
    assert.deepEqual(ksampler.input.required.latent_image, ['LATENT']);
    assert.equal((ksampler.input.required.seed![1] as { control_after_generate: boolean }).control_after_generate, true);
    assert.ok((ksampler.input.required.sampler_name![0] as string[]).includes('euler'));
    assert.ok((ksampler.input.required.sampler_name![0] as string[]).includes('dpmpp_2m'));
    assert.deepEqual(ksampler.input.required.steps, ['INT', { default: 20, min: 1, max: 1000, step: 1 }]);
    assert.ok(ksampler.input.optional?.eta, 'a widget ComfyUI lacks is optional');
    assert.deepEqual(info.CheckpointLoaderSimple!.output, ['MODEL', 'CLIP', 'VAE']);
    assert.ok((info.CheckpointLoaderSimple!.input.required.ckpt_name![0] as string[]).includes('tiny-sd'));
    assert.equal(info.CLIPTextEncode!.display_name, 'CLIP Text Encode (Prompt)');
    assert.equal(info.SaveImage!.output_node, true);
    assert.ok(info.Sampler && info.ReDilate, 'our own types are listed too');
    assert.deepEqual(info.LoadImage!.input.required.image, [[], { image_upload: true }]);
    assert.deepEqual(info.LoadImage!.output, ['IMAGE', 'MASK']);
    assert.deepEqual(Object.keys((await (await fetch(`${api.url}/object_info/KSampler`)).json()) as object), ['KSampler']);
    assert.deepEqual(await (await fetch(`${api.url}/api/object_info/NoSuchNode`)).json(), {});
  });

  test('system_stats, embeddings and models in ComfyUI\'s shapes', async () => {
    const stats = (await (await fetch(`${api.url}/system_stats`)).json()) as { system: Record<string, unknown>; devices: Array<Record<string, unknown>> };
    assert.ok((stats.system.ram_total as number) > 0);
    assert.deepEqual(Object.keys(stats.devices[0]!).sort(), ['index', 'name', 'torch_vram_free', 'torch_vram_total', 'type', 'vram_free', 'vram_total']);
    assert.deepEqual(await (await fetch(`${api.url}/embeddings`)).json(), []);
    assert.deepEqual(await (await fetch(`${api.url}/models`)).json(), ['checkpoints', 'vae']);
    assert.ok(((await (await fetch(`${api.url}/models/checkpoints`)).json()) as string[]).includes('tiny-sd'));
    assert.equal((await fetch(`${api.url}/models/loras`)).status, 404);
  });

  test('an API prompt with ComfyUI class names runs; the submitting client gets ComfyUI messages in order', async () => {
    const mine = await comfySocket(api.url, 'client-a');
    const other = await comfySocket(api.url, 'client-b');
    await mine.until(isType('status'));
    assert.deepEqual(dataOf(mine.messages[0]), { status: { exec_info: { queue_remaining: 0 } }, sid: 'client-a' });
    const posted = await postPrompt(api.url, { prompt: txt2imgPrompt(), client_id: 'client-a' });
    assert.equal(posted.status, 200, JSON.stringify(posted.json));
    const promptId = posted.json.prompt_id as string;
    assert.deepEqual(posted.json.node_errors, {});
    assert.equal(typeof posted.json.number, 'number');
    await mine.until((message) => isType('executing')(message) && dataOf(message)!.node === null);
    mine.close();
    const types = mine.messages.map((message) => ('type' in message ? message.type : 'binary'));
    const firstOf = (type: string) => types.indexOf(type);
    assert.ok(firstOf('execution_start') < firstOf('execution_cached'));
    assert.ok(firstOf('execution_cached') < firstOf('executing'));
    assert.ok(firstOf('executing') < firstOf('progress'));
    assert.ok(firstOf('executed') < firstOf('execution_success'));
    assert.equal(types.at(-1), 'executing');
    const executing = mine.messages.filter(isType('executing')).map((message) => dataOf(message)!.node);
    assert.deepEqual(executing.filter((node) => node !== null).sort(), ['3', '4', '5', '6', '7', '8', '9']);
    const progress = mine.messages.filter(isType('progress')).map(dataOf);
    assert.deepEqual(progress.filter((data) => data!.node === '3').map((data) => [data!.value, data!.max, data!.prompt_id]), [[1, 2, promptId], [2, 2, promptId]]);
    const preview = mine.messages.find((message): message is { binary: Buffer } => 'binary' in message);
    assert.ok(preview, 'the sampler sends latent previews as binary frames');
    assert.deepEqual([preview.binary.readUInt32BE(0), preview.binary.readUInt32BE(4)], [1, 2]);
    assert.deepEqual([...preview.binary.subarray(8, 12)], [0x89, 0x50, 0x4e, 0x47]);
    const executed = dataOf(mine.messages.find(isType('executed')))!;
    const images = (executed.output as { images: Array<{ filename: string; subfolder: string; type: string }> }).images;
    assert.equal(executed.node, '9');
    assert.equal(images.length, 1);
    assert.equal(images[0]!.type, 'output');
    assert.match(images[0]!.filename, /^ComfyUI_\d{5}_\.png$/);
    // Messages meant for the submitting client went to it alone; the queue's status to everyone.
    assert.ok(!other.messages.some((message) => 'type' in message && message.type.startsWith('execut')));
    assert.ok(other.messages.filter(isType('status')).length > 1);
    other.close();

    const history = (await (await fetch(`${api.url}/history/${promptId}`)).json()) as Record<string, { prompt: unknown[]; outputs: Record<string, unknown>; status: { status_str: string; completed: boolean; messages: Array<[string, unknown]> } }>;
    const entry = history[promptId]!;
    assert.deepEqual(entry.prompt.slice(1), [promptId, txt2imgPrompt(), { client_id: 'client-a' }, ['9']]);
    assert.deepEqual(entry.outputs, { '9': { images } });
    assert.equal(entry.status.status_str, 'success');
    assert.equal(entry.status.completed, true);
    assert.deepEqual(entry.status.messages.map(([type]) => type), ['execution_start', 'execution_cached', 'execution_success']);
    const view = await fetch(`${api.url}/view?${new URLSearchParams({ ...images[0]!, type: 'output' })}`);
    const png = Buffer.from(await view.arrayBuffer());
    assert.deepEqual(png, readFileSync(path.join(outputDir, images[0]!.filename)));
    assert.equal(decodePng(png).width, 64);
  });

  test("a prompt sent with extra_pnginfo.workflow (as ComfyUI's frontend sends it) keeps that graph in the engine's history", async () => {
    const uiWorkflow = JSON.parse(readFileSync(new URL('../fixtures/comfyui/default-workflow.json', import.meta.url), 'utf8')) as { nodes: Array<{ id: number; pos: [number, number] }> };
    const extraData = { extra_pnginfo: { workflow: uiWorkflow } };
    const posted = await postPrompt(api.url, { prompt: txt2imgPrompt({ steps: 1, seed: 11 }), extra_data: extraData });
    assert.equal(posted.status, 200);
    const promptId = posted.json.prompt_id as string;
    let entry: HistoryEntry | undefined;
    for (let waited = 0; !entry && waited < 60_000; waited += 50) {
      entry = (await engine.request('history', {})).find((candidate) => candidate.jobId === promptId);
      if (!entry) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(entry, 'the job finished');
    const loaded = await engine.request('loadWorkflow', { workflow: uiWorkflow });
    assert.ok(loaded.ok);
    assert.deepEqual(entry.workflow, loaded.workflow);
    assert.deepEqual(entry.workflow.nodes.map((node) => node.pos).sort(), uiWorkflow.nodes.map((node) => node.pos).sort(), "the editor's layout, not one made up from the prompt");
    const comfy = (await (await fetch(`${api.url}/history/${promptId}`)).json()) as Record<string, { prompt: unknown[] }>;
    assert.deepEqual(comfy[promptId]!.prompt[3], extraData, 'ComfyUI clients get extra_data back as they sent it');
  });

  test('a node that fails sends execution_error to its client and records the error in the history', async () => {
    const client = await comfySocket(api.url, 'failing');
    const prompt = txt2imgPrompt();
    // A checkpoint that is there but is no checkpoint: validation lets it through, loading it fails.
    const checkpoints = path.join(await tinyModelsDir(), 'checkpoints');
    mkdirSync(checkpoints, { recursive: true });
    writeFileSync(path.join(checkpoints, 'no-such-model.safetensors'), 'not a safetensors file');
    prompt['4']!.inputs.ckpt_name = 'no-such-model.safetensors';
    const posted = await postPrompt(api.url, { prompt, client_id: 'failing' });
    assert.equal(posted.status, 200);
    await client.until((message) => isType('executing')(message) && dataOf(message)!.node === null);
    client.close();
    const error = dataOf(client.messages.find(isType('execution_error')))!;
    assert.equal(error.prompt_id, posted.json.prompt_id);
    assert.equal(error.node_id, '4');
    assert.equal(error.node_type, 'CheckpointLoaderSimple');
    assert.match(error.exception_message as string, /no-such-model/);
    assert.ok(!client.messages.some(isType('execution_success')));
    const history = (await (await fetch(`${api.url}/history/${posted.json.prompt_id as string}`)).json()) as Record<string, { status: { status_str: string; completed: boolean; messages: Array<[string, unknown]> } }>;
    const { status } = history[posted.json.prompt_id as string]!;
    assert.deepEqual([status.status_str, status.completed], ['error', false]);
    assert.deepEqual(status.messages.map(([type]) => type), ['execution_start', 'execution_cached', 'execution_error']);
  });

  test('invalid prompts are a 400 in ComfyUI\'s error shape, keyed by the client\'s node ids and input names', async () => {
    const tooFewSteps = txt2imgPrompt({ steps: 0 });
    const rejected = await postPrompt(api.url, { prompt: tooFewSteps });
    assert.equal(rejected.status, 400);
    const error = rejected.json.error as { type: string; message: string };
    assert.equal(error.type, 'prompt_outputs_failed_validation');
    assert.deepEqual(rejected.json.node_errors, {
      '3': {
        errors: [{ type: 'value_smaller_than_min', message: 'Value 0 smaller than min of 1', details: 'steps', extra_info: { input_name: 'steps', received_value: 0 } }],
        dependent_outputs: ['9'],
        class_type: 'KSampler',
      },
    });
    const badSampler = txt2imgPrompt();
    badSampler['3']!.inputs.sampler_name = 'no_such_sampler';
    const notInList = await postPrompt(api.url, { prompt: badSampler });
    const samplerError = (notInList.json.node_errors as Record<string, { errors: Array<{ type: string; extra_info: { input_name: string } }> }>)['3']!.errors[0]!;
    assert.deepEqual([samplerError.type, samplerError.extra_info.input_name], ['value_not_in_list', 'sampler_name']);
    const missingCheckpoint = txt2imgPrompt();
    missingCheckpoint['4']!.inputs.ckpt_name = 'absent.safetensors';
    const checkpointError = ((await postPrompt(api.url, { prompt: missingCheckpoint })).json.node_errors as Record<string, { errors: Array<{ type: string; extra_info: { input_name: string } }> }>)['4']!.errors[0]!;
    assert.deepEqual([checkpointError.type, checkpointError.extra_info.input_name], ['value_not_in_list', 'ckpt_name']);
    const unlinked = txt2imgPrompt();
    delete unlinked['8']!.inputs.vae;
    const missing = await postPrompt(api.url, { prompt: unlinked });
    const missingError = (missing.json.node_errors as Record<string, { errors: Array<{ type: string; details: string }> }>)['8']!.errors[0]!;
    assert.deepEqual([missingError.type, missingError.details], ['required_input_missing', 'vae']);
    const noOutputs = txt2imgPrompt();
    delete noOutputs['9'];
    assert.deepEqual((await postPrompt(api.url, { prompt: noOutputs })).json, { error: { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} }, node_errors: {} });
    const unknown = txt2imgPrompt();
    unknown['10'] = { class_type: 'NoSuchNode', inputs: {} };
    unknown['9']!.inputs.images = ['10', 0];
    const unknownReply = await postPrompt(api.url, { prompt: unknown });
    assert.equal(unknownReply.status, 400);
    assert.equal((unknownReply.json.error as { type: string }).type, 'invalid_prompt');
    const noPrompt = await postPrompt(api.url, { client_id: 'x' });
    assert.equal(noPrompt.status, 400);
    assert.equal((noPrompt.json.error as { type: string }).type, 'no_prompt');
  });

  test('queue, interrupt and history endpoints', async () => {
    const slow = (seconds: number) => ({
      '1': { class_type: 'PrimitiveString', inputs: { value: 'paced' } },
      '2': { class_type: 'Delay', inputs: { text: ['1', 0], seconds } },
      '3': { class_type: 'ShowText', inputs: { text: ['2', 0] } },
    });
    const watcher = await comfySocket(api.url);
    const running = await postPrompt(api.url, { prompt: slow(30) });
    const pending = await postPrompt(api.url, { prompt: slow(30), number: 42 });
    const kept = await postPrompt(api.url, { prompt: slow(0), front: true });
    assert.equal(pending.json.number, 42);
    assert.ok((kept.json.number as number) < 0, 'front negates the number, as ComfyUI does');
    await watcher.until((message) => isType('executing')(message) && dataOf(message)!.prompt_id === running.json.prompt_id);
    const queue = (await (await fetch(`${api.url}/queue`)).json()) as { queue_running: unknown[][]; queue_pending: unknown[][] };
    assert.deepEqual(queue.queue_running.map((item) => item[1]), [running.json.prompt_id]);
    // `front` runs before every waiting prompt, as in ComfyUI (whose pending list is ordered by number).
    assert.deepEqual(queue.queue_pending.map((item) => item[1]), [kept.json.prompt_id, pending.json.prompt_id]);
    assert.deepEqual(queue.queue_pending[1]!.slice(2), [slow(30), {}, ['3']]);
    assert.deepEqual(await (await fetch(`${api.url}/prompt`)).json(), { exec_info: { queue_remaining: 3 } });
    assert.equal((await fetch(`${api.url}/queue`, { method: 'POST', body: JSON.stringify({ delete: [pending.json.prompt_id] }) })).status, 200);
    // The prompt queued no client, so the interruption goes to every client.
    assert.equal((await fetch(`${api.url}/interrupt`, { method: 'POST' })).status, 200);
    await watcher.until(isType('execution_interrupted'));
    assert.equal(dataOf(watcher.messages.find(isType('execution_interrupted')))!.node_id, '2');
    await engine.waitForJob(kept.json.prompt_id as string);
    watcher.close();
    const history = (await (await fetch(`${api.url}/history`)).json()) as Record<string, { status: { status_str: string; completed: boolean } }>;
    assert.deepEqual(history[running.json.prompt_id as string]!.status.status_str, 'error');
    assert.equal(history[running.json.prompt_id as string]!.status.completed, false);
    assert.equal(history[pending.json.prompt_id as string], undefined, 'a prompt removed from the queue leaves no history');
    assert.equal(history[kept.json.prompt_id as string]!.status.status_str, 'success');
    assert.deepEqual(Object.keys((await (await fetch(`${api.url}/history?max_items=1`)).json()) as object), [kept.json.prompt_id]);
    await fetch(`${api.url}/history`, { method: 'POST', body: JSON.stringify({ delete: [kept.json.prompt_id] }) });
    assert.deepEqual(await (await fetch(`${api.url}/history/${kept.json.prompt_id as string}`)).json(), {});
    await fetch(`${api.url}/history`, { method: 'POST', body: JSON.stringify({ clear: true }) });
    assert.deepEqual(await (await fetch(`${api.url}/history`)).json(), {});
    assert.deepEqual(await (await fetch(`${api.url}/queue`)).json(), { queue_running: [], queue_pending: [] });
  });

  test('a client reconnecting under its id is told which node of its prompt is running', async () => {
    const first = await comfySocket(api.url, 'reconnecting');
    const posted = await postPrompt(api.url, {
      client_id: 'reconnecting',
      prompt: { '1': { class_type: 'PrimitiveString', inputs: { value: 'x' } }, '2': { class_type: 'Delay', inputs: { text: ['1', 0], seconds: 30 } }, '3': { class_type: 'ShowText', inputs: { text: ['2', 0] } } },
    });
    await first.until((message) => isType('executing')(message) && dataOf(message)!.node === '2');
    first.close();
    const again = await comfySocket(api.url, 'reconnecting');
    await again.until(isType('executing'));
    assert.deepEqual(again.messages.slice(0, 2), [
      { type: 'status', data: { status: { exec_info: { queue_remaining: 1 } }, sid: 'reconnecting' } },
      { type: 'executing', data: { node: '2', prompt_id: posted.json.prompt_id } },
    ]);
    await fetch(`${api.url}/interrupt`, { method: 'POST', body: JSON.stringify({ prompt_id: posted.json.prompt_id }) });
    await again.until(isType('execution_interrupted'));
    again.close();
  });

  test('an uploaded image lands in the input folder and LoadImage reads it by name', async () => {
    const pixels = new Uint8Array(8 * 8 * 3).map((_, index) => (index * 37) % 256);
    const png = encodeRgbPng(pixels, 8, 8, {});
    const post = (bytes: Uint8Array, name = 'photo.png', subfolder = '') => {
      const form = new FormData();
      form.append('image', new Blob([bytes], { type: 'image/png' }), name);
      form.append('subfolder', subfolder);
      return fetch(`${api.url}/upload/image`, { method: 'POST', body: form });
    };
    const upload = async (bytes: Uint8Array) => (await (await post(bytes)).json()) as { name: string; subfolder: string; type: string };
    for (const [name, subfolder] of [['photo.png', '../..'], ['../photo.png', ''], ['photo.png', '/etc']]) {
      assert.equal((await post(png, name, subfolder)).status, 400, `${subfolder}/${name}`);
    }
    for (const outside of [path.join(inputDir, '..', '..', 'photo.png'), path.join(inputDir, '..', 'photo.png'), '/etc/photo.png']) assert.equal(existsSync(outside), false, outside);
    assert.deepEqual(await upload(png), { name: 'photo.png', subfolder: '', type: 'input' });
    assert.deepEqual(await upload(png), { name: 'photo.png', subfolder: '', type: 'input' }, 'the same bytes again are a duplicate');
    assert.equal((await upload(encodeRgbPng(pixels.map((value) => 255 - value), 8, 8, {}))).name, 'photo (1).png');
    assert.deepEqual(readFileSync(path.join(inputDir, 'photo.png')), Buffer.from(png));
    const info = (await (await fetch(`${api.url}/object_info/LoadImage`)).json()) as { LoadImage: { input: { required: { image: unknown[] } } } };
    assert.deepEqual(info.LoadImage.input.required.image[0], ['photo (1).png', 'photo.png']);
    const viewed = await fetch(`${api.url}/view?filename=photo.png&type=input`);
    assert.deepEqual(Buffer.from(await viewed.arrayBuffer()), Buffer.from(png));

    const client = await comfySocket(api.url, 'loader');
    const posted = await postPrompt(api.url, {
      client_id: 'loader',
      prompt: {
        '10': { class_type: 'LoadImage', inputs: { image: 'photo.png', upload: 'image' } },
        save: { class_type: 'SaveImage', inputs: { filename_prefix: 'loaded', images: ['10', 0] } },
        shown: { class_type: 'PreviewImage', inputs: { images: ['10', 0] } },
      },
    });
    assert.equal(posted.status, 200, JSON.stringify(posted.json));
    await client.until((message) => isType('executing')(message) && dataOf(message)!.node === null);
    client.close();
    const executed = client.messages.filter(isType('executed')).map(dataOf);
    assert.deepEqual(executed.map((data) => data!.node).sort(), ['save', 'shown'], 'node ids that are not numbers come back as the client wrote them');
    const imageOf = (node: string) => (executed.find((data) => data!.node === node)!.output as { images: Array<{ filename: string; subfolder: string; type: string }> }).images[0]!;
    assert.deepEqual(decodePng(readFileSync(path.join(outputDir, imageOf('save').filename))).data, decodePng(png).data);
    const preview = imageOf('shown');
    assert.equal(preview.type, 'temp');
    const viewedPreview = await fetch(`${api.url}/view?${new URLSearchParams(preview)}`);
    assert.deepEqual(decodePng(Buffer.from(await viewedPreview.arrayBuffer())).data, decodePng(png).data);
  });
});
