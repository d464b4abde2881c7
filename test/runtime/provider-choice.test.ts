import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listedBackends } from '../../app/runtime/execution-provider.js';
import { candidateProviders, chooseProvider, describeDecision } from '../../app/runtime/provider-choice.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

describe('execution provider choice', () => {
  test('each preference falls back to WebGPU and then the CPU', () => {
    assert.deepEqual(candidateProviders('auto'), ['cuda', 'dml', 'coreml', 'webgpu', 'cpu']);
    assert.deepEqual(candidateProviders('cuda'), ['cuda', 'webgpu', 'cpu']);
    assert.deepEqual(candidateProviders('dml'), ['dml', 'webgpu', 'cpu']);
    assert.deepEqual(candidateProviders('webgpu'), ['webgpu', 'cpu']);
    assert.deepEqual(candidateProviders('cpu'), ['cpu']);
  });

  test('the CPU is used directly when asked for', async () => {
    assert.deepEqual(await chooseProvider('cpu'), { provider: 'cpu', skipped: [] });
  });

  test('a provider that cannot run is skipped with its reason, and the message says what ran where', async () => {
    // CUDA's libraries are not installed on these machines (onnxruntime-node lists it anyway).
    const decision = await chooseProvider('cuda');
    assert.notEqual(decision.provider, 'cuda');
    assert.match(decision.skipped[0]!, /^cuda: (its libraries are not installed|.*not available)/);
    assert.ok(['webgpu', 'cpu'].includes(decision.provider));
    const message = describeDecision('cuda', decision);
    assert.match(message, new RegExp(`^running on ${decision.provider} \\(asked for cuda; skipped cuda: `));
  });

  test('providers missing from the build are reported as such', async () => {
    const decision = await chooseProvider('auto');
    for (const name of ['dml', 'coreml'].filter((provider) => !listedBackends().includes(provider))) {
      assert.ok(decision.skipped.includes(`${name}: not in this onnxruntime-node build`), name);
    }
  });
});
