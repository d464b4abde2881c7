import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { createNodeRegistry } from '../../nodes/index.js';
import { runCli } from '../support/cli-process.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { WorkflowBuilder } from '../support/workflow-builder.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-cli-'));
const registry = createNodeRegistry();

function writeWorkflow(name: string, build: (graph: WorkflowBuilder) => void): string {
  const graph = new WorkflowBuilder(registry);
  build(graph);
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(graph.build(), null, 2));
  return file;
}

const saving = writeWorkflow('save.json', (graph) => {
  graph.add('PrimitiveFloat', { value: 2.5 });
  graph.add('MathFloat', { op: 'multiply', b: 2 });
  graph.connect(1, 0, 2, 'a');
  graph.add('NumberToText', { decimals: 1 });
  graph.connect(2, 0, 3, 'value');
  graph.add('SaveText', { filename_prefix: 'numbers/product' });
  graph.connect(3, 0, 4, 'text');
});

describe('scalecrafter run', () => {
  test('runs a workflow, writes its files and lists them; --set changes a widget', async () => {
    const out = path.join(dir, 'out');
    const result = await runCli(['run', saving, '--out', out, '--set', '2.b=4', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout) as { status: string; files: string[]; executed: string[]; peakMemoryMiB: number };
    assert.equal(summary.status, 'success');
    assert.ok(summary.peakMemoryMiB > 10, 'the run reports its peak memory');
    assert.deepEqual(summary.files, [path.join(out, 'numbers', 'product_00001_.txt')]);
    assert.equal(readFileSync(summary.files[0]!, 'utf8'), '10.0');
    assert.deepEqual(summary.executed, ['1', '2', '3', '4']);
  });

  test('plain mode prints the written files', async () => {
    const out = path.join(dir, 'plain');
    const result = await runCli(['run', saving, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote:\n {2}.*product_00001_\.txt/);
    assert.ok(existsSync(path.join(out, 'numbers', 'product_00001_.txt')));
  });

  test('an invalid workflow exits 2 and prints every per-node problem', async () => {
    const invalid = writeWorkflow('invalid.json', (graph) => {
      graph.add('NumberToText', { decimals: 99 });
      graph.add('ShowText');
      graph.connect(1, 0, 2, 'text');
    });
    const result = await runCli(['run', invalid, '--out', path.join(dir, 'never')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /node 1 \(NumberToText\), field "value": required value "value" is missing|node 1 \(NumberToText\), field "value"/);
    assert.match(result.stderr, /node 1 \(NumberToText\), field "decimals": decimals = 99 is out of range — use a value from 0 to 20/);
    assert.ok(!existsSync(path.join(dir, 'never')));
  });

  test('a failing node exits 1 naming the node and field', async () => {
    const failing = writeWorkflow('failing.json', (graph) => {
      graph.add('PrimitiveFloat', { value: 1 });
      graph.add('MathFloat', { op: 'divide', b: 0 });
      graph.connect(1, 0, 2, 'a');
      graph.add('NumberToText');
      graph.connect(2, 0, 3, 'value');
      graph.add('ShowText');
      graph.connect(3, 0, 4, 'text');
    });
    const result = await runCli(['run', failing]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /failed: node 2 \(MathFloat\), field "b": division by zero/);
  });

  test('--comfyui adds a ComfyUI install\'s checkpoints folder to the search (named when a missing model is refused)', async () => {
    const comfy = path.join(dir, 'ComfyUI');
    mkdirSync(path.join(comfy, 'models', 'checkpoints'), { recursive: true });
    writeFileSync(path.join(comfy, 'models', 'checkpoints', 'listed.safetensors'), '');
    const workflow = path.join(dir, 'missing-checkpoint.json');
    const json = defaultWorkflow();
    nodeOfType(json, 'LoadCheckpoint').widgets.model = 'absent.safetensors';
    writeFileSync(workflow, JSON.stringify(json));
    const result = await runCli(['run', workflow, '--out', path.join(dir, 'comfy-out'), '--models', path.join(dir, 'no-models'), '--comfyui', comfy]);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.includes(path.join(comfy, 'models', 'checkpoints')), result.stderr);
    assert.match(result.stderr, /listed\.safetensors/);
  });

  test('a ScaleCrafter run prints no ONNX Runtime warnings, from a cold cache or from the optimised graphs it cached', async () => {
    // ORT warns once per If-branch constant when it reads back its own saved prepared UNet: thousands of lines.
    const env = { SCALECRAFTER_CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'scalecrafter-cache-')) };
    const workflow = path.resolve('workflows/scalecrafter-4x.json');
    for (const run of ['cold', 'warm']) {
      const result = await runCli(['run', workflow, '--out', path.join(dir, `quiet-${run}`)], { env, timeoutMs: 300_000 });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(existsSync(path.join(env.SCALECRAFTER_CACHE_DIR, 'optimized-models')), 'the run caches its optimised graphs');
      assert.doesNotMatch(result.stderr, /\[[WE]:onnxruntime/, `${run} run`);
    }
  });

  test('a missing or truncated file is reported, not thrown', async () => {
    const missing = await runCli(['run', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
    const truncatedFile = path.join(dir, 'truncated.json');
    writeFileSync(truncatedFile, readFileSync(saving, 'utf8').slice(0, 200));
    const truncated = await runCli(['validate', truncatedFile]);
    assert.equal(truncated.code, 2);
    assert.match(truncated.stderr, /not valid JSON.*truncated/s);
  });

  test('a bad --set is a usage error', async () => {
    const result = await runCli(['run', saving, '--set', 'steps30']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /NODE_ID\.FIELD=VALUE/);
  });
});

describe('scalecrafter validate and nodes', () => {
  test('validate accepts a valid file without running it', async () => {
    const out = path.join(dir, 'validate-out');
    const result = await runCli(['validate', saving]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid/);
    assert.ok(!existsSync(out));
  });

  test('nodes --json lists every registered schema', async () => {
    const result = await runCli(['nodes', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const types = (JSON.parse(result.stdout) as Array<{ type: string }>).map((schema) => schema.type).sort();
    assert.deepEqual(types, registry.schemas().map((schema) => schema.type).sort());
  });

  test('nodes prints a readable listing', async () => {
    const result = await runCli(['nodes']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /MathFloat \(v1\) — utils\/math/);
    assert.match(result.stdout, /op: one of add \| subtract/);
  });
});
