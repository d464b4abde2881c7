/**
 * Which convs of a UNet graph get ScaleCrafter controls: every 3×3 conv whose diffusers module
 * path (from a torch-export node name or dynamo name_scopes metadata, see app/onnx/inspect.ts)
 * is a resnet conv1/conv2 or a down/upsampler conv of a down, mid or up block (docs/scalecrafter-method.md §1;
 * unet-convs.ts' convLocation). conv_in, conv_out and 1×1 shortcuts never match.
 */
import { TensorDataType } from '../../onnx/data-type.js';
import { listConvs, type ConvInfo } from '../../onnx/inspect.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from '../../onnx/model.js';
import { convLocation, type ConvName } from '../unet-convs.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export type ConvElementType = 'float32' | 'float16';

export interface CandidateConv {
  /** diffusers module path, e.g. `down_blocks.1.resnets.0.conv1` */
  readonly name: ConvName;
  readonly node: OnnxNode;
  readonly input: string;
  readonly weight: string;
  readonly bias: string | undefined;
  readonly output: string;
  readonly stride: 1 | 2;
  readonly elementType: ConvElementType;
}

export interface SkippedConv {
  readonly name: ConvName;
  readonly nodeName: string;
  readonly reason: string;
}

const same = (values: readonly number[], expected: number) => values.every((value) => value === expected);

/** Why a candidate-path conv cannot take the re-dilation operator, or undefined when it can. */
function attributeProblem(conv: ConvInfo): string | undefined {
  if (conv.group !== 1) return `group = ${conv.group} (grouped convs are not UNet resnet/resampler convs)`;
  if (conv.autoPad !== 'NOTSET') return `auto_pad = ${conv.autoPad}; the re-dilated conv needs explicit pads`;
  if (!same(conv.dilations, 1)) return `it is already dilated (dilations [${conv.dilations.join(', ')}])`;
  if (!same(conv.pads, 1)) return `pads [${conv.pads.join(', ')}] are not 1 on every side (the diffusers 3×3 conv's padding)`;
  if (!same(conv.strides, 1) && !same(conv.strides, 2)) return `strides [${conv.strides.join(', ')}] are neither 1 nor 2`;
  return undefined;
}

function producerOf(graph: OnnxGraph, value: string): OnnxNode | undefined {
  return graph.node.find((node) => node.output.includes(value));
}

function intAttribute(node: OnnxNode, name: string): number | undefined {
  const attribute = node.attribute.find((item) => item.name === name);
  return attribute?.i === undefined ? undefined : Number(attribute.i);
}

/** The TensorProto.DataType of a value, followed through Cast / Identity / DequantizeLinear. */
function dataTypeOf(graph: OnnxGraph, value: string, depth = 0): number | undefined {
  const initializer = graph.initializer.find((tensor) => tensor.name === value);
  if (initializer) return initializer.dataType;
  const declared = [...graph.input, ...(graph.valueInfo ?? [])].find((info) => info.name === value)?.type?.tensorType?.elemType;
  if (declared) return declared;
  const producer = producerOf(graph, value);
  if (!producer || depth > 8) return undefined;
  switch (producer.opType) {
    case 'Cast': return intAttribute(producer, 'to');
    case 'Identity': return dataTypeOf(graph, producer.input[0] ?? '', depth + 1);
    // The output type of DequantizeLinear is the type of its scale (onnx DequantizeLinear-21).
    case 'DequantizeLinear': return dataTypeOf(graph, producer.input[1] ?? '', depth + 1);
    case 'Constant': return producer.attribute.find((attribute) => attribute.name === 'value')?.t?.dataType;
    default: return undefined;
  }
}

function elementTypeOf(graph: OnnxGraph, conv: ConvInfo, name: string): ConvElementType {
  const code = dataTypeOf(graph, conv.weight);
  if (code === TensorDataType.FLOAT) return 'float32';
  if (code === TensorDataType.FLOAT16) return 'float16';
  const what = code === undefined ? 'an element type that cannot be read from the graph' : `element type code ${code}`;
  throw new UserFacingError(
    `conv ${name} (node '${conv.nodeName}'): its weight '${conv.weight}' has ${what}; only float32 and float16 convs can be prepared ` +
      '(a weight behind Cast, Identity or DequantizeLinear is fine)',
  );
}

/** The candidate convs in graph order, plus candidate-path convs left alone and why. */
export function findCandidateConvs(model: OnnxModel): { candidates: CandidateConv[]; skipped: SkippedConv[] } {
  const { graph } = model;
  const candidates: CandidateConv[] = [];
  const skipped: SkippedConv[] = [];
  const seen = new Map<ConvName, string>();
  // listConvs returns the main graph's Conv nodes in graph order: pair each with its node.
  const convNodes = graph.node.filter((node) => node.opType === 'Conv' && (node.domain ?? '') === '');
  for (const [index, conv] of listConvs(model).entries()) {
    const node = convNodes[index]!;
    const name = conv.modulePath;
    if (name === undefined || convLocation(name) === null) continue;
    if (conv.kernel === undefined) {
      throw new UserFacingError(`conv ${name} (node '${conv.nodeName}'): the shape of its weight '${conv.weight}' cannot be read from the graph, so its kernel size is unknown`);
    }
    if (conv.kernel.length !== 2 || !same(conv.kernel, 3)) {
      skipped.push({ name, nodeName: conv.nodeName, reason: `kernel ${conv.kernel.join('×')} is not 3×3` });
      continue;
    }
    const problem = attributeProblem(conv);
    if (problem) throw new UserFacingError(`conv ${name} (node '${conv.nodeName}') cannot be prepared: ${problem}`);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new UserFacingError(`nodes '${earlier}' and '${conv.nodeName}' both belong to module ${name}; a UNet has one conv per module path`);
    seen.set(name, conv.nodeName);
    candidates.push({
      name,
      node,
      input: node.input[0]!,
      weight: conv.weight,
      bias: conv.bias,
      output: node.output[0]!,
      stride: conv.strides[0] === 2 ? 2 : 1,
      elementType: elementTypeOf(graph, conv, name),
    });
  }
  return { candidates, skipped };
}
