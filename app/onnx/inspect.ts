// Finds the convolutions of a model and the diffusers module each belongs to, which is how
// ScaleCrafter's layer lists name them ("down_blocks.1.resnets.0.conv1", docs/scalecrafter-method.md §1).
//
// Module paths come from either exporter:
// - torch.onnx.export (TorchScript) names nodes after the module scope:
//   "/down_blocks.1/resnets.0/conv1/Conv" -> "down_blocks.1.resnets.0.conv1"
// - torch.onnx.export(dynamo=True) writes node metadata_props "pkg.torch.onnx.name_scopes" as the
//   Python repr of a list: cumulative module paths from the root '' followed by the FX node name,
//   e.g. "['', 'down_blocks.1', 'down_blocks.1.resnets.0', 'down_blocks.1.resnets.0.conv1', 'convolution_5']"
//   (torch/onnx/_internal/exporter/_core.py, _get_node_namespace / _set_node_metadata).
import { metadataMap, AttributeType, type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode } from './model.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export const NAME_SCOPES_KEY = 'pkg.torch.onnx.name_scopes';

export interface ConvInfo {
  nodeName: string;
  /** diffusers module path, undefined when neither the name nor the metadata carries one */
  modulePath: string | undefined;
  weight: string;
  bias: string | undefined;
  /** spatial kernel size from the weight's dims (kernel_shape attribute as fallback) */
  kernel: number[] | undefined;
  outChannels: number | undefined;
  inChannels: number | undefined;
  strides: number[];
  /** [x1_begin, x2_begin, ..., x1_end, x2_end, ...] as in the ONNX spec */
  pads: number[];
  dilations: number[];
  group: number;
  autoPad: string;
}

/** Parses a Python repr() of a list of str: "['', 'a.b', \"it's\"]". */
export function parsePythonStringList(text: string): string[] {
  const fail = (why: string): never => {
    throw new UserFacingError(`${NAME_SCOPES_KEY} value ${JSON.stringify(text)} is not a Python list of strings: ${why}`);
  };
  const items: string[] = [];
  let position = text.indexOf('[');
  if (position < 0 || text.trim()[0] !== '[') fail('missing [');
  position++;
  const skipSpace = () => { while (/\s/.test(text[position] ?? '')) position++; };
  skipSpace();
  if (text[position] === ']') return items;
  for (;;) {
    skipSpace();
    const quote = text[position];
    if (quote !== "'" && quote !== '"') fail(`expected a quote at offset ${position}`);
    position++;
    let item = '';
    while (text[position] !== quote) {
      const char = text[position];
      if (char === undefined) fail('unterminated string');
      if (char === '\\') {
        const escaped = text[position + 1] ?? '';
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };
        if (escaped in simple) { item += simple[escaped]; position += 2; continue; }
        const width = { x: 2, u: 4, U: 8 }[escaped];
        if (width === undefined) fail(`unsupported escape \\${escaped}`);
        item += String.fromCodePoint(parseInt(text.slice(position + 2, position + 2 + width!), 16));
        position += 2 + width!;
        continue;
      }
      item += char;
      position++;
    }
    items.push(item);
    position++;
    skipSpace();
    if (text[position] === ']') return items;
    if (text[position] !== ',') fail(`expected , or ] at offset ${position}`);
    position++;
  }
}

/** "/down_blocks.1/resnets.0/conv1/Conv_1" -> "down_blocks.1.resnets.0.conv1"; undefined without scopes. */
export function modulePathFromTorchName(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const segments = nodeName.slice(1).split('/');
  if (segments.length < 2) return undefined;
  return segments.slice(0, -1).join('.');
}

/** The innermost module of a dynamo name_scopes list (the entry before the FX node name). */
export function modulePathFromNameScopes(value: string): string | undefined {
  const scopes = parsePythonStringList(value);
  const module = scopes.length >= 2 ? scopes[scopes.length - 2] : undefined;
  return module === '' ? undefined : module;
}

/** Dynamo metadata first (it survives renaming passes), then the TorchScript node name. */
export function modulePathOfNode(node: OnnxNode): string | undefined {
  const scopes = metadataMap(node.metadataProps).get(NAME_SCOPES_KEY);
  if (scopes !== undefined) {
    const fromMetadata = modulePathFromNameScopes(scopes);
    if (fromMetadata !== undefined) return fromMetadata;
  }
  return modulePathFromTorchName(node.name ?? '');
}

function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  const attribute = node.attribute.find((item) => item.name === name);
  return attribute?.ints?.map((value) => Number(value));
}

function intAttribute(node: OnnxNode, name: string): number | undefined {
  const attribute = node.attribute.find((item) => item.name === name);
  return attribute?.i === undefined ? undefined : Number(attribute.i);
}

function stringAttribute(node: OnnxNode, name: string): string | undefined {
  const attribute: OnnxAttribute | undefined = node.attribute.find((item) => item.name === name);
  return attribute?.type === AttributeType.STRING && attribute.s ? new TextDecoder().decode(attribute.s) : undefined;
}

/** Producers that pass a weight through unchanged in shape (fp16 exports cast, quantized ones dequantize). */
const SHAPE_PRESERVING = new Set(['Cast', 'Identity', 'DequantizeLinear', 'QuantizeLinear']);

/** Static dims of every value whose shape is known without running the model. */
function knownShapes(graph: OnnxGraph): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const tensor of graph.initializer) if (tensor.name) shapes.set(tensor.name, tensor.dims);
  for (const info of [...(graph.valueInfo ?? []), ...graph.input]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (dims && dims.every((dim) => dim.dimValue !== undefined)) shapes.set(info.name, dims.map((dim) => dim.dimValue!));
  }
  for (const node of graph.node) {
    const output = node.output[0];
    if (!output) continue;
    if (node.opType === 'Constant') {
      const value = node.attribute.find((attribute) => attribute.name === 'value')?.t;
      if (value) shapes.set(output, value.dims);
    } else if (SHAPE_PRESERVING.has(node.opType) && node.input[0] && shapes.has(node.input[0])) {
      shapes.set(output, shapes.get(node.input[0])!);
    }
  }
  return shapes;
}

/** Every Conv of the main graph (not of If/Loop subgraphs), in graph order. */
export function listConvs(model: OnnxModel): ConvInfo[] {
  const shapes = knownShapes(model.graph);
  return model.graph.node
    .filter((node) => node.opType === 'Conv' && (node.domain ?? '') === '')
    .map((node) => {
      const weight = node.input[1] ?? '';
      const weightDims = shapes.get(weight);
      const group = intAttribute(node, 'group') ?? 1;
      const kernel = weightDims ? weightDims.slice(2) : intsAttribute(node, 'kernel_shape');
      const spatial = kernel?.length ?? 2;
      return {
        nodeName: node.name ?? '',
        modulePath: modulePathOfNode(node),
        weight,
        bias: node.input[2] || undefined,
        kernel,
        outChannels: weightDims?.[0],
        inChannels: weightDims?.[1] === undefined ? undefined : weightDims[1] * group,
        strides: intsAttribute(node, 'strides') ?? new Array<number>(spatial).fill(1),
        pads: intsAttribute(node, 'pads') ?? new Array<number>(spatial * 2).fill(0),
        dilations: intsAttribute(node, 'dilations') ?? new Array<number>(spatial).fill(1),
        group,
        autoPad: stringAttribute(node, 'auto_pad') ?? 'NOTSET',
      };
    });
}
