import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineClient } from '../../app/engine/engine-client.js';
import { startHttpApi, type HttpApi } from '../../app/server/http-api.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

describe('HTTP API', () => {
  let engine: EngineClient;
  let api: HttpApi;
  let base: string;
  const outputDir = mkdtempSync(path.join(tmpdir(), 'http-api-'));
  before(async () => {
    engine = await EngineClient.start();
    api = await startHttpApi({ engine, outputDir, host: '127.0.0.1', port: 0, rendererDir: null });
    base = api.url;
  });
  after(async () => {
    await api.close();
    await engine.close();
  });

  test('object_info lists node schemas by type, in ComfyUI\'s shape', async () => {
    const info = (await (await fetch(`${base}/object_info`)).json()) as Record<string, { output_node: boolean; input: { required: Record<string, unknown> } }>;
    assert.equal(info.SaveText?.output_node, true);
    assert.deepEqual(info.SaveText?.input.required.text, ['STRING', { default: '', multiline: true, forceInput: true }]);
  });

  test('a workflow file of ours posted as the prompt runs; history and /view give back its file', async () => {
    const graph = new WorkflowBuilder(createNodeRegistry());
    graph.add('PrimitiveString', { value: 'over http' });
    graph.add('SaveText', { filename_prefix: 'api/text' });
    graph.connect(1, 0, 2, 'text');
    const posted = await fetch(`${base}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: graph.build() }) });
    assert.equal(posted.status, 200);
    const { prompt_id } = (await posted.json()) as { prompt_id: string };
    await engine.waitForJob(prompt_id);
    const history = (await (await fetch(`${base}/history`)).json()) as Record<string, { outputs: Record<string, { files: Array<{ filename: string; subfolder: string }> }> }>;
    const file = history[prompt_id]!.outputs['2']!.files[0]!;
    const view = await fetch(`${base}/view?filename=${file.filename}&subfolder=${file.subfolder}`);
    assert.equal(await view.text(), 'over http');
  });

  test('an invalid workflow is a 400 with per-node errors; bad JSON is a 400', async () => {
    const graph = new WorkflowBuilder(createNodeRegistry());
    graph.add('SaveText');
    const invalid = await fetch(`${base}/prompt`, { method: 'POST', body: JSON.stringify({ prompt: graph.build() }) });
    assert.equal(invalid.status, 400);
    const body = (await invalid.json()) as { node_errors: Record<string, { class_type: string; errors: Array<{ type: string; extra_info: { input_name: string } }> }> };
    assert.deepEqual(Object.entries(body.node_errors).map(([id, entry]) => [id, entry.class_type, entry.errors[0]!.type, entry.errors[0]!.extra_info.input_name]), [['1', 'SaveText', 'required_input_missing', 'text']]);
    assert.equal((await fetch(`${base}/prompt`, { method: 'POST', body: '{"prompt": ' })).status, 400);
  });

  test('/view cannot read outside the output folder', async () => {
    writeFileSync(path.join(path.dirname(outputDir), 'secret.txt'), 'secret');
    for (const query of ['filename=../secret.txt', 'filename=secret.txt&subfolder=..', `filename=${encodeURIComponent('/etc/passwd')}`]) {
      const response = await fetch(`${base}/view?${query}`);
      assert.equal(response.status, 403, query);
    }
    assert.equal((await fetch(`${base}/view?filename=missing.png`)).status, 404);
  });

  test('unknown endpoints are 404', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
