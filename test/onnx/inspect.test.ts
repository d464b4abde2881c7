import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphBuilder } from '../../app/onnx/graph-builder.js';
import { listConvs, modulePathFromNameScopes, modulePathFromTorchName, NAME_SCOPES_KEY, parsePythonStringList } from '../../app/onnx/inspect.js';
import { parseModel, serializeModel } from '../../app/onnx/model-io.js';
import * as op from '../../app/onnx/ops.js';
import { openSession } from '../../app/runtime/session.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

/** A miniature UNet-shaped chain: conv_in, a resnet conv, a 1x1 shortcut, a stride-2 downsampler. */
function buildConvChain(weightType: 'float32' | 'float16-cast') {
  const g = new GraphBuilder({ graphName: 'convs' });
  const weight = (name: string, dims: number[]) => {
    const count = dims.reduce((a, b) => a * b, 1);
    const data = Float32Array.from({ length: count }, (_, i) => ((i % 5) - 2) / 10);
    if (weightType === 'float32') return g.initializer(name, 'float32', dims, data);
    // fp16 exports store weights as float16 and Cast them: the kernel must still be found.
    return op.cast(g, g.initializer(name, 'float16', dims, data), { to: 'float32' });
  };
  let x = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  x = g.withScope('conv_in', () => op.conv(g, x, weight('conv_in.weight', [8, 4, 3, 3]), null, { pads: [1, 1, 1, 1] }));
  x = g.withScope('down_blocks.1', () => g.withScope('resnets.0', () => {
    const h = g.withScope('conv1', () => op.conv(g, x, weight('down_blocks.1.resnets.0.conv1.weight', [16, 8, 3, 3]), null, { pads: [2, 2, 2, 2], dilations: [2, 2] }));
    const shortcut = g.withScope('conv_shortcut', () => op.conv(g, x, weight('down_blocks.1.resnets.0.conv_shortcut.weight', [16, 8, 1, 1]), null));
    return op.add(g, h, shortcut);
  }));
  x = g.withScope('down_blocks.1', () => g.withScope('downsamplers.0', () => g.withScope('conv', () =>
    op.conv(g, x, weight('down_blocks.1.downsamplers.0.conv.weight', [16, 4, 3, 3]), null, { strides: [2, 2], pads: [1, 1, 1, 1], group: 4 }))));
  g.output(x, 'out', 'float32', ['batch', 16, 'h2', 'w2']);
  return g.build();
}

describe('inspect: convolutions and their diffusers module paths', () => {
  test('torch-export node names give module paths; kernel, stride, pads, dilation, group are read', () => {
    const convs = listConvs(buildConvChain('float32'));
    assert.deepEqual(convs.map((conv) => conv.modulePath), [
      'conv_in', 'down_blocks.1.resnets.0.conv1', 'down_blocks.1.resnets.0.conv_shortcut', 'down_blocks.1.downsamplers.0.conv',
    ]);
    assert.deepEqual(convs.map((conv) => conv.kernel), [[3, 3], [3, 3], [1, 1], [3, 3]]);
    const [convIn, conv1, shortcut, down] = convs;
    assert.deepEqual({ dilations: conv1!.dilations, pads: conv1!.pads, strides: conv1!.strides }, { dilations: [2, 2], pads: [2, 2, 2, 2], strides: [1, 1] });
    assert.deepEqual({ pads: shortcut!.pads, dilations: shortcut!.dilations, group: shortcut!.group }, { pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 }, 'ONNX defaults when attributes are absent');
    assert.deepEqual({ strides: down!.strides, group: down!.group, inChannels: down!.inChannels, outChannels: down!.outChannels }, { strides: [2, 2], group: 4, inChannels: 16, outChannels: 16 });
    assert.equal(convIn!.nodeName, '/conv_in/Conv');
    assert.equal(convIn!.weight, 'conv_in.weight');
  });

  test('kernels are found through the Cast of an fp16 weight', () => {
    assert.deepEqual(listConvs(buildConvChain('float16-cast')).map((conv) => conv.kernel), [[3, 3], [3, 3], [1, 1], [3, 3]]);
  });

  test('dynamo exports: module paths come from the pkg.torch.onnx.name_scopes node metadata', async () => {
    const model = buildConvChain('float32');
    const scopes = [
      ['', 'conv_in', 'convolution'],
      ['', 'down_blocks.1', 'down_blocks.1.resnets.0', 'down_blocks.1.resnets.0.conv1', 'convolution_1'],
      ['', 'down_blocks.1', 'down_blocks.1.resnets.0', 'down_blocks.1.resnets.0.conv_shortcut', 'convolution_2'],
      ['', 'down_blocks.1', 'down_blocks.1.downsamplers.0', 'down_blocks.1.downsamplers.0.conv', 'convolution_3'],
    ];
    const convNodes = model.graph.node.filter((node) => node.opType === 'Conv');
    convNodes.forEach((node, index) => {
      node.name = `node_Conv_${index}`; // dynamo names carry no scope
      node.metadataProps = [
        { key: 'namespace', value: 'ignored' },
        { key: NAME_SCOPES_KEY, value: `[${scopes[index]!.map((scope) => `'${scope}'`).join(', ')}]` },
      ];
    });
    const bytes = serializeModel(model);
    const reread = parseModel(bytes);
    assert.deepEqual(listConvs(reread).map((conv) => conv.modulePath), scopes.map((list) => list[list.length - 2]));
    // ORT reads the node metadata_props field without complaint (its number matches onnx.proto).
    const session = await openSession(bytes, { executionProvider: 'cpu' });
    await session.release();
  });

  test('module path helpers', () => {
    assert.equal(modulePathFromTorchName('/down_blocks.1/resnets.0/conv1/Conv'), 'down_blocks.1.resnets.0.conv1');
    assert.equal(modulePathFromTorchName('/mid_block/resnets.1/conv2/Conv_3'), 'mid_block.resnets.1.conv2');
    assert.equal(modulePathFromTorchName('/Conv'), undefined, 'root-level node: no module');
    assert.equal(modulePathFromTorchName('Conv_12'), undefined, 'unscoped legacy name');
    assert.equal(modulePathFromNameScopes("['', 'up_blocks.0', 'up_blocks.0.upsamplers.0', 'up_blocks.0.upsamplers.0.conv', 'convolution_40']"), 'up_blocks.0.upsamplers.0.conv');
    assert.equal(modulePathFromNameScopes("['', 'convolution']"), undefined, 'a root-level op has no module');
  });

  test('Python list repr parsing: both quote styles, escapes, malformed input', () => {
    assert.deepEqual(parsePythonStringList(`['', "it's", 'a\\\\b', 'tab\\there', '\\x41\\u00e9']`), ['', "it's", 'a\\b', 'tab\there', 'Aé']);
    assert.deepEqual(parsePythonStringList('[]'), []);
    assert.throws(() => parsePythonStringList("['a', 'b'"), UserFacingError);
    assert.throws(() => parsePythonStringList('a, b'), /is not a Python list of strings/);
  });
});
