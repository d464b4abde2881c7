/**
 * The models the ScaleCrafter overhead benchmark compares: a wide SD-like conv stack, and the
 * designs for run-time dilation that were measured before choosing the one in
 * app/scalecrafter/prepare (docs/scalecrafter-controls.md, "Design"):
 *
 * - if-per-conv:  If(off) → the original Conv in the then-branch (weights read from the outer
 *                 graph), a dilated Conv in the else-branch. The textbook design.
 * - polyphase-main: every candidate conv always through the space-to-batch conv in the main
 *                 graph (d from the controls; at d = 1 the transposes move size-1 axes only). A
 *                 lower bound for that design: the pad/crop/resize steps it would also need are left out.
 * - static-d2:    the candidate convs rewritten with dilations 2 / pads 2 — what a model built for
 *                 one fixed setting costs (exact at even sizes, where no resize is needed).
 */
import { GraphBuilder } from '../app/onnx/graph-builder.js';
import { AttributeType, type OnnxModel, type OnnxNode } from '../app/onnx/model.js';
import * as op from '../app/onnx/ops.js';
import { resnetBlock2D } from '../app/models/sd/layers/resnet-block.js';
import { SeededWeights } from '../app/models/weights/seeded-weights.js';
import { findCandidateConvs, type CandidateConv } from '../app/scalecrafter/prepare/conv-candidates.js';
import { ceil, ifThenElse } from '../app/scalecrafter/prepare/onnx-ops-extension.js';
import { polyphaseDilatedConv } from '../app/scalecrafter/prepare/polyphase-conv.js';
import { DILATION_INPUT, dilationInputInfo, DISPERSION_INPUT } from '../app/scalecrafter/prepare/prepared-unet-format.js';
import { buildBranch, buildPiece } from '../app/scalecrafter/prepare/subgraph.js';
import { tensorValueInfo } from '../app/onnx/graph-builder.js';

export const STACK_TEMB_CHANNELS = 128;

/** `blocks` SD ResnetBlock2Ds (GroupNorm 32, SiLU, 3×3 convs, time embedding) at `channels`, named down_blocks.1.resnets.i. */
export function resnetStack(channels: number, blocks: number): OnnxModel {
  const g = new GraphBuilder({ graphName: 'resnet-stack' });
  const ctx = { g, weights: new SeededWeights(11), dtype: 'float32' as const };
  let x = g.input('sample', 'float32', ['batch', channels, 'height', 'width']);
  const temb = g.input('temb', 'float32', ['batch', STACK_TEMB_CHANNELS]);
  for (let i = 0; i < blocks; i++) {
    const h = x;
    x = g.withScope('down_blocks.1', () => g.withScope(`resnets.${i}`, () =>
      resnetBlock2D(ctx, h, { value: temb, channels: STACK_TEMB_CHANNELS }, { inChannels: channels, outChannels: channels, groups: 32, eps: 1e-5, outputScaleFactor: 1 })));
  }
  g.output(x, 'out', 'float32', ['batch', channels, 'height', 'width']);
  return g.build();
}

const ints = (name: string, values: number[]) => ({ name, type: AttributeType.INTS, ints: values.map(BigInt) });

/**
 * Adds the two control inputs (same names, types and shapes as a prepared model, so the app's
 * control feeds fit) to a rewritten graph. The variants were designed and measured with a float32
 * dilation input; each casts its element to float32 to keep that arithmetic.
 */
function withControls(model: OnnxModel, nodes: OnnxNode[], count: number, initializers: OnnxModel['graph']['initializer']): OnnxModel {
  return {
    ...model,
    graph: {
      ...model.graph,
      node: nodes,
      initializer: initializers,
      input: [...model.graph.input, dilationInputInfo(count), tensorValueInfo(DISPERSION_INPUT, 'bool', [count])],
    },
  };
}

const float32Control = (g: GraphBuilder, value: ReturnType<GraphBuilder['input']>) => op.cast(g, value, { to: 'float32' });

type ConvRewrite = (conv: CandidateConv, index: number) => { nodes: OnnxNode[]; initializers: OnnxModel['graph']['initializer'] };

function rewriteCandidates(model: OnnxModel, rewrite: ConvRewrite): OnnxModel {
  const { candidates } = findCandidateConvs(model);
  const byNode = new Map(candidates.map((conv, index) => [conv.node, { conv, index }]));
  const nodes: OnnxNode[] = [];
  const initializers = [...model.graph.initializer];
  for (const node of model.graph.node) {
    const candidate = byNode.get(node);
    if (!candidate) {
      nodes.push(node);
      continue;
    }
    const piece = rewrite(candidate.conv, candidate.index);
    nodes.push(...piece.nodes);
    initializers.push(...piece.initializers);
  }
  return withControls(model, nodes, candidates.length, initializers);
}

const scopeOf = (conv: CandidateConv) => [...(conv.node.name ?? '').split('/').filter((part) => part !== ''), 'variant'];
const convInputs = (conv: CandidateConv, outer: (name: string) => ReturnType<GraphBuilder['input']>) =>
  [outer(conv.input), outer(conv.weight), conv.bias === undefined ? null : outer(conv.bias)] as const;

export function ifPerConvVariant(model: OnnxModel, opset = 20): OnnxModel {
  return rewriteCandidates(model, (conv, index) => buildPiece({
    graphName: 'if-per-conv', scope: scopeOf(conv), opset,
    body: (g, outer) => {
      const pf = float32Control(g, op.gather(g, outer(DILATION_INPUT), op.constant(g, 'int64', [], BigInt64Array.of(BigInt(index))), { axis: 0 }));
      const off = g.node('Equal', [pf, op.constantScalar(g, 'float32', 1)])[0]!;
      const branch = (name: string, dilation: number) => buildBranch({
        graphName: name, scope: [...scopeOf(conv), name], opset,
        body: (b, o) => {
          const [x, w, bias] = convInputs(conv, o);
          const pad = dilation;
          return [{ value: op.conv(b, x, w, bias, { pads: [pad, pad, pad, pad], dilations: [dilation, dilation], strides: [conv.stride, conv.stride] }), name: `${conv.output}/${name}`, type: 'float32' }];
        },
      });
      return [{ value: ifThenElse(g, off, branch('plain', 1), branch('dilated', 2))[0]!, name: conv.output, type: 'float32' }];
    },
  }));
}

export function polyphaseMainVariant(model: OnnxModel, opset = 20): OnnxModel {
  return rewriteCandidates(model, (conv, index) => buildPiece({
    graphName: 'polyphase-main', scope: scopeOf(conv), opset,
    body: (g, outer) => {
      const pf = float32Control(g, op.gather(g, outer(DILATION_INPUT), op.constantInt64(g, [index]), { axis: 0 }));
      const dilation = op.cast(g, ceil(g, pf), { to: 'int64' });
      const [input, weight, bias] = convInputs(conv, outer);
      return [{ value: polyphaseDilatedConv(g, { input, weight, bias, dilation, kernelRadius: 1, stride: conv.stride }), name: conv.output, type: 'float32' }];
    },
  }));
}

export function staticDilationVariant(model: OnnxModel, dilation: number): OnnxModel {
  return rewriteCandidates(model, (conv) => ({
    nodes: [{
      ...conv.node,
      attribute: [
        ...conv.node.attribute.filter((attribute) => !['dilations', 'pads'].includes(attribute.name)),
        ints('dilations', [dilation, dilation]),
        ints('pads', [dilation, dilation, dilation, dilation]),
      ],
    }],
    initializers: [],
  }));
}
