/**
 * Makes a UNet graph ScaleCrafter-capable, once per model (docs/scalecrafter-controls.md "How a UNet becomes
 * ScaleCrafter-capable"): every candidate 3×3 conv takes its dilation factor and dispersion flag
 * from the run-time inputs `scalecrafter_dilation` / `scalecrafter_dispersion`. One session and
 * one copy of the weights serve every schedule; all original inputs, outputs and names stay.
 *
 * Each candidate conv becomes (docs/scalecrafter-controls.md, "Design"):
 *
 *   off_i   = (dilation[i] == 1) and not dispersion[i]      (control-values.ts, on the CPU)
 *   x_plain = If(off_i, x, on-input)           the conv's input, or the re-dilated path's
 *   y_plain = the original Conv node (same name, attributes and weights) on x_plain
 *   y       = If(off_i, y_plain, redilated conv)
 *
 * Re-dilated, a stride-1 conv runs through the main Conv itself, on the phase images of its
 * resized input (main-conv-redilation.ts), so its weight is read in ORT's NCHWc layout only; a
 * dispersed or stride-2 conv feeds the main Conv one pixel and runs the operator in the branch
 * (redilated-conv-branch.ts), which reads the weight in its original layout.
 *
 * The original Conv stays in the main graph because ONNX Runtime's CPU EP only gives a conv its
 * fast NCHWc kernel when the weight is an initializer of the conv's own graph: with the conv moved
 * into an If branch (weights read from the outer scope) the SD-sized resnet stack of the benchmark
 * took 1.06× (2 threads) to 2.8× (16 threads) the plain step time, gated 1.03–1.13×. The gate
 * costs two small Ifs and two tensor copies when off, and a one-pixel plain conv when on.
 */
import { createTensor, tensorValueInfo } from '../../onnx/graph-builder.js';
import type { OnnxGraph, OnnxModel, OnnxNode, OnnxTensor } from '../../onnx/model.js';
import * as op from '../../onnx/ops.js';
import { computeDispersionTransform, DEFAULT_DISPERSION_PARAMS, type DispersionTransformParams } from '../dispersion-transform.js';
import { findCandidateConvs, type CandidateConv, type SkippedConv } from './conv-candidates.js';
import { controlFlagAt, controlValuesPiece, CONTROL_VALUES } from './control-values.js';
import { graphValueNames } from './graph-value-names.js';
import { CONTROLS_MIN_OPSET, defaultDomainOpset } from './model-opset.js';
import { ifThenElse } from './onnx-ops-extension.js';
import {
  DILATION_INPUT, dilationInputInfo, DISPERSION_INPUT, isPreparedUnet, layoutMetadata, PREPARED_FORMAT_VERSION, readPreparedUnetLayout, type PreparedUnetLayout,
} from './prepared-unet-format.js';
import { phaseInput, phaseOutput } from './main-conv-redilation.js';
import type { UnetRewrite } from './unet-rewrite.js';
import { buildRedilatedConvBranch, type DispersionTransformInput } from './redilated-conv-branch.js';
import { buildBranch, buildPiece, type GraphPiece } from './subgraph.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

/** ONNX ops the added nodes use exist with these signatures from opset 13 (Unsqueeze/Squeeze axes as inputs). */
const TRANSFORM_INITIALIZER = 'scalecrafter.dispersion_transform';

export interface PrepareUnetOptions {
  /** The dispersion transform solved into the graph (default: 3→5, s = 2, η = 0.05). */
  dispersion?: DispersionTransformParams;
}

export interface PreparedUnet {
  model: OnnxModel;
  layout: PreparedUnetLayout;
  /** convs at candidate module paths left as they were (e.g. not 3×3) */
  skipped: SkippedConv[];
}

/** Node-name scope of everything added for `conv`: its node name's segments, then 'scalecrafter'. */
function convScope(conv: CandidateConv, index: number): string[] {
  const segments = (conv.node.name ?? '').split('/').filter((segment) => segment !== '');
  return [...(segments.length > 0 ? segments : [`conv_${index}`]), 'scalecrafter'];
}

interface GatedConvNames {
  off: string;
  plainInput: string;
  plainOutput: string;
}

/**
 * The main Conv's input where it must not compute: one pixel of x. Not an empty batch: WebGPU
 * cannot dispatch a conv over zero images (dispatch size 0).
 */
function cornerBranch(conv: CandidateConv, names: GatedConvNames, scope: readonly string[], opset: number): OnnxGraph {
  return buildBranch({
    graphName: 'block', scope, opset,
    body: (b, o) => {
      const corner = op.slice(b, o(conv.input), op.constantInt64(b, [0, 0, 0]), op.constantInt64(b, [1, 1, 1]), op.constantInt64(b, [0, 2, 3]), null);
      return [{ value: corner, name: `${names.plainInput}/${scope.at(-1)}/corner`, type: conv.elementType }];
    },
  });
}

/** A stride-1 conv's main-Conv input when on: its phase images (main-conv-redilation.ts), or one pixel when dispersed. */
function phasesUnlessDispersed(conv: CandidateConv, index: number, names: GatedConvNames, scope: readonly string[], opset: number): OnnxGraph {
  return buildBranch({
    graphName: 'on', scope, opset,
    body: (g, outer) => {
      const phases = buildBranch({
        graphName: 'phases', scope: [...scope, 'phases'], opset,
        body: (b, o) => [{ value: phaseInput(b, o, conv, index, { scope: [...scope, 'phases'], opset, type: conv.elementType }), name: `${names.plainInput}/phases`, type: conv.elementType }],
      });
      const dispersed = controlFlagAt(g, outer(CONTROL_VALUES.dispersed), index);
      const [input] = ifThenElse(g, dispersed, cornerBranch(conv, names, [...scope, 'block'], opset), phases);
      return [{ value: input!, name: `${names.plainInput}/on`, type: conv.elementType }];
    },
  });
}

/** Nodes before the conv: off_i and x_plain = If(off_i, x, the phase images or one pixel). */
function gatePiece(conv: CandidateConv, index: number, names: GatedConvNames, opset: number): GraphPiece {
  const scope = [...convScope(conv, index), 'gate'];
  return buildPiece({
    graphName: 'gate', scope, opset,
    body: (g, outer) => {
      const off = controlFlagAt(g, outer(CONTROL_VALUES.off), index);
      const pass = buildBranch({
        graphName: 'pass', scope: [...scope, 'pass'], opset,
        body: (b, o) => [{ value: op.identity(b, o(conv.input)), name: `${names.plainInput}/pass`, type: conv.elementType }],
      });
      const [plainInput] = ifThenElse(g, off, pass, conv.stride === 1 ? phasesUnlessDispersed(conv, index, names, [...scope, 'on'], opset) : cornerBranch(conv, names, [...scope, 'block'], opset));
      return [
        { value: off, name: names.off, type: 'bool' },
        { value: plainInput!, name: names.plainInput, type: conv.elementType },
      ];
    },
  });
}

/** Nodes after the conv: y = If(off_i, y_plain, redilated conv), under the conv's original output name. */
function selectPiece(conv: CandidateConv, index: number, names: GatedConvNames, opset: number, transform: DispersionTransformInput): GraphPiece {
  const scope = [...convScope(conv, index), 'select'];
  return buildPiece({
    graphName: 'select', scope, opset,
    body: (g, outer) => {
      const plain = buildBranch({
        graphName: 'plain', scope: [...scope, 'plain'], opset,
        body: (b, o) => [{ value: op.identity(b, o(names.plainOutput)), name: `${names.plainOutput}/pass`, type: conv.elementType }],
      });
      const redilated = conv.stride === 1
        ? mergedUnlessDispersed(conv, index, names, [...scope, 'on'], opset, transform)
        : buildRedilatedConvBranch({ conv, index, scope: [...scope, 'on'], opset, transform, outputName: `${names.plainOutput}/redilated` });
      const [y] = ifThenElse(g, outer(names.off), plain, redilated);
      return [{ value: y!, name: conv.output, type: conv.elementType }];
    },
  });
}

/** A stride-1 conv's output when on: the main Conv's phases merged back, or the dispersed operator (original weight layout). */
function mergedUnlessDispersed(conv: CandidateConv, index: number, names: GatedConvNames, scope: readonly string[], opset: number, transform: DispersionTransformInput): OnnxGraph {
  return buildBranch({
    graphName: 'on', scope, opset,
    body: (g, outer) => {
      const merged = buildBranch({
        graphName: 'merged', scope: [...scope, 'merged'], opset,
        body: (b, o) => [{ value: phaseOutput(b, o, conv, index, names.plainOutput, { scope: [...scope, 'merged'], opset, type: conv.elementType }), name: `${names.plainOutput}/merged`, type: conv.elementType }],
      });
      const dispersedConv = buildRedilatedConvBranch({ conv, index, scope: [...scope, 'dispersed'], opset, transform, outputName: `${names.plainOutput}/dispersed`, dispersedOnly: true });
      const [y] = ifThenElse(g, controlFlagAt(g, outer(CONTROL_VALUES.dispersed), index), dispersedConv, merged);
      return [{ value: y!, name: `${names.plainOutput}/on`, type: conv.elementType }];
    },
  });
}

function transformInitializer(params: DispersionTransformParams): OnnxTensor {
  const transform = computeDispersionTransform(params);
  return createTensor(TRANSFORM_INITIALIZER, 'float32', [transform.rows, transform.columns], Float32Array.from(transform.matrix));
}

/** The prepared model (a new object; `model` is not modified). Throws UserFacingError. */
export function prepareUnet(model: OnnxModel, options: PrepareUnetOptions = {}): PreparedUnet {
  if (isPreparedUnet(model)) throw new UserFacingError('this UNet is already prepared for ScaleCrafter; use it as it is (prepare the original model to change options)');
  let opset: number;
  try {
    opset = defaultDomainOpset(model, 'ScaleCrafter preparation');
  } catch (error) {
    throw new UserFacingError((error as Error).message);
  }
  if (opset < CONTROLS_MIN_OPSET) {
    throw new UserFacingError(`the model uses opset ${opset}; preparation needs opset ≥ ${CONTROLS_MIN_OPSET} (re-export the UNet with opset_version ≥ ${CONTROLS_MIN_OPSET})`);
  }
  const { candidates, skipped } = findCandidateConvs(model);
  if (candidates.length === 0) {
    throw new UserFacingError(
      'no ScaleCrafter candidate convs found: node names (or pkg.torch.onnx.name_scopes metadata) carry no diffusers module paths ' +
        'such as /down_blocks.1/resnets.0/conv1/Conv; export the UNet with torch.onnx.export from diffusers, or build it with `scalecrafter models build`',
    );
  }
  const existing = graphValueNames(model.graph);
  for (const name of [DILATION_INPUT, DISPERSION_INPUT, TRANSFORM_INITIALIZER, ...Object.values(CONTROL_VALUES)]) {
    if (existing.has(name)) throw new UserFacingError(`the model already has a value named '${name}'; it cannot take ScaleCrafter controls under that name`);
  }
  const dispersion = options.dispersion ?? DEFAULT_DISPERSION_PARAMS;
  const { smallKernelSize, largeKernelSize, upsampleFactor } = dispersion;
  if (smallKernelSize !== 3 || largeKernelSize !== 5 || upsampleFactor !== 2) {
    // The dispersed path re-dilates by pf/2 with a 5×5 kernel: the reference's geometry for 3 → 5, s = 2 only.
    throw new UserFacingError(`dispersion ${smallKernelSize}→${largeKernelSize} with s = ${upsampleFactor} is not supported; the graph implements the reference's 3→5, s = 2 (only η may change)`);
  }
  const transform: DispersionTransformInput = { name: TRANSFORM_INITIALIZER, params: dispersion };

  const byNode = new Map(candidates.map((conv, index) => [conv.node, { conv, index }]));
  const controls = controlValuesPiece(opset);
  const nodes: OnnxNode[] = [...controls.nodes];
  const initializers: OnnxTensor[] = [...model.graph.initializer, transformInitializer(dispersion), ...controls.initializers];
  for (const node of model.graph.node) {
    const candidate = byNode.get(node);
    if (!candidate) {
      nodes.push(node);
      continue;
    }
    const { conv, index } = candidate;
    const base = `${conv.output}/scalecrafter`;
    const names: GatedConvNames = { off: `${base}/off`, plainInput: `${base}/plain_input`, plainOutput: `${base}/plain_output` };
    for (const name of Object.values(names)) {
      if (existing.has(name)) throw new UserFacingError(`the model already has a value named '${name}'`);
    }
    const gate = gatePiece(conv, index, names, opset);
    const select = selectPiece(conv, index, names, opset, transform);
    nodes.push(...gate.nodes, { ...node, input: [names.plainInput, ...node.input.slice(1)], output: [names.plainOutput] }, ...select.nodes);
    initializers.push(...gate.initializers, ...select.initializers);
  }

  const layout: PreparedUnetLayout = { version: PREPARED_FORMAT_VERSION, convs: candidates.map((conv) => conv.name), dispersion };
  const graph: OnnxGraph = {
    ...model.graph,
    node: nodes,
    initializer: initializers,
    input: [
      ...model.graph.input,
      dilationInputInfo(candidates.length),
      tensorValueInfo(DISPERSION_INPUT, 'bool', [candidates.length]),
    ],
  };
  const metadataProps = [...(model.metadataProps ?? []), ...layoutMetadata(layout)];
  return { model: { ...model, graph, metadataProps }, layout, skipped };
}

/**
 * The graph the conv rewrite writes, for cache keys: bumped whenever that graph changes (3: stride-1
 * convs re-dilate through their main Conv). PREPARED_FORMAT_VERSION changes only with the control
 * inputs or the metadata, so a model prepared by an older graph still reads and runs.
 */
const CONV_CONTROLS_GRAPH_VERSION = 3;

/** The conv controls as a rewrite of the app's preparation; η is solved into the graph, so it is part of the cache key. */
export function convControlsRewrite(dispersion: DispersionTransformParams = DEFAULT_DISPERSION_PARAMS): UnetRewrite<PreparedUnetLayout> {
  const { smallKernelSize, largeKernelSize, upsampleFactor, eta } = dispersion;
  return {
    id: 'conv_controls',
    formatVersion: CONV_CONTROLS_GRAPH_VERSION,
    options: `k${smallKernelSize}K${largeKernelSize}s${upsampleFactor}eta${eta}`,
    apply: (model) => {
      const { model: prepared, layout, skipped } = prepareUnet(model, { dispersion });
      return { model: prepared, layout, notes: skipped.map((conv) => `left as it is: ${conv.name} (${conv.reason})`) };
    },
    readLayout: (source) => (isPreparedUnet(source) ? readPreparedUnetLayout(source) : undefined),
  };
}
