/**
 * The comparison model for whole-UNet tests: the original graph with the chosen convs rewritten
 * statically, as one would for a single fixed setting — Resize (when the size changes), a Conv
 * with fixed `dilations`/`pads` (and the 5×5 kernel R·W as a new initializer when dispersed),
 * Resize back — at sizes computed here for a known latent size. No run-time controls, no If.
 */
import { AttributeType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../../app/onnx/model.js';
import { createTensor } from '../../../app/onnx/graph-builder.js';
import { modulePathOfNode } from '../../../app/onnx/inspect.js';
import { readTensorValues } from '../../../app/onnx/tensor-data.js';
import { disperseConvWeights } from '../../../app/scalecrafter/dispersion-transform.js';
import { REFERENCE_TRANSFORM, referenceGeometry } from './conv-models.js';

export interface StaticConvSetting {
  readonly pf: number;
  readonly dispersed: boolean;
  /** the conv's input size (known for a fixed latent size) */
  readonly input: readonly [number, number];
  /** batch × input channels of the conv's input, for the Resize `sizes` */
  readonly batch: number;
}

const ints = (name: string, values: readonly number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints: values.map(BigInt) });
const text = (name: string, value: string): OnnxAttribute => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });

function resizeNode(name: string, input: string, sizes: string, output: string): OnnxNode {
  // Resize-19, bilinear with PyTorch's align_corners=False (half_pixel: no special case for size 1).
  return { name, opType: 'Resize', input: [input, '', '', sizes], output: [output], attribute: [text('mode', 'linear'), text('coordinate_transformation_mode', 'half_pixel')] };
}

const convOutput = (length: number, kernel: number, stride: number, padding: number, dilation: number) =>
  Math.floor((length + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;

export async function staticRedilation(model: OnnxModel, settings: ReadonlyMap<string, StaticConvSetting>): Promise<OnnxModel> {
  const initializers: OnnxTensor[] = [...model.graph.initializer];
  const nodes: OnnxNode[] = [];
  const done = new Set<string>();
  for (const node of model.graph.node) {
    const path = node.opType === 'Conv' ? modulePathOfNode(node) : undefined;
    const setting = path === undefined ? undefined : settings.get(path);
    if (!setting || (setting.pf === 1 && !setting.dispersed)) {
      nodes.push(node);
      continue;
    }
    done.add(path!);
    const [x, weightName, biasName] = node.input as [string, string, string];
    const weightTensor = initializers.find((tensor) => tensor.name === weightName)!;
    const [outChannels, inChannels] = weightTensor.dims as [number, number];
    const stride = Number(node.attribute.find((attribute) => attribute.name === 'strides')?.ints?.[0] ?? 1n);
    const [height, width] = setting.input;
    const geometry = referenceGeometry(height, width, setting.pf, setting.dispersed, stride);
    const prefix = `${node.name}/static`;

    let kernel = weightName;
    if (setting.dispersed) {
      const w3 = (await readTensorValues(weightTensor)) as Float32Array;
      kernel = `${weightName}.dispersed`;
      initializers.push(createTensor(kernel, 'float32', [outChannels, inChannels, 5, 5], disperseConvWeights(REFERENCE_TRANSFORM, w3, outChannels, inChannels)));
    }
    let convInput = x;
    const [inH, inW] = geometry.input;
    if (inH !== height || inW !== width) {
      initializers.push(createTensor(`${prefix}/input_size`, 'int64', [4], BigInt64Array.of(BigInt(setting.batch), BigInt(inChannels), BigInt(inH), BigInt(inW))));
      convInput = `${prefix}/resized_input`;
      nodes.push(resizeNode(`${prefix}/ResizeInput`, x, `${prefix}/input_size`, convInput));
    }
    const { dilation, padding, kernelSize } = geometry;
    const convH = convOutput(inH, kernelSize, stride, padding, dilation);
    const convW = convOutput(inW, kernelSize, stride, padding, dilation);
    const [outH, outW] = geometry.output;
    const resizeOut = convH !== outH || convW !== outW;
    const convResult = resizeOut ? `${prefix}/conv_output` : node.output[0]!;
    nodes.push({
      name: node.name, opType: 'Conv', input: [convInput, kernel, biasName], output: [convResult],
      attribute: [ints('dilations', [dilation, dilation]), ints('pads', [padding, padding, padding, padding]), ints('strides', [stride, stride])],
    });
    if (resizeOut) {
      initializers.push(createTensor(`${prefix}/output_size`, 'int64', [4], BigInt64Array.of(BigInt(setting.batch), BigInt(outChannels), BigInt(outH), BigInt(outW))));
      nodes.push(resizeNode(`${prefix}/ResizeOutput`, convResult, `${prefix}/output_size`, node.output[0]!));
    }
  }
  const missing = [...settings.keys()].filter((path) => !done.has(path) && !(settings.get(path)!.pf === 1 && !settings.get(path)!.dispersed));
  if (missing.length > 0) throw new Error(`staticRedilation: no conv node for ${missing.join(', ')}`);
  return { ...model, graph: { ...model.graph, node: nodes, initializer: initializers } };
}
