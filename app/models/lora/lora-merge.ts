/**
 * LoRAs merged into a component's weights: W' = W + Σ strength · scale · up·down, the product
 * reshaped to W's torch shape (a LoCon's [out, rank, 1, 1]·[rank, in, 3, 3] gives [out, in, 3, 3])
 * and transposed where the graph stores a Linear as [in, out]. Several LoRAs add up in the order
 * given, as ComfyUI's chained LoraLoaders do.
 */
import { TensorDataType } from '../../onnx/data-type.js';
import type { OnnxModel, OnnxTensor } from '../../onnx/model.js';
import { readTensorValues } from '../../onnx/tensor-data.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { fromFloat16 } from '../../runtime/float16.js';
import { readLoraFile } from './lora-file.js';
import { loraProduct } from './lora-product.js';
import { ComponentWeights, placeModules, type LoraComponent, type PlacedModule } from './lora-targets.js';

/** One LoRA as a MODEL or CLIP carries it: plain data, the file read again when a session is opened. */
export interface AppliedLora {
  readonly file: string;
  /** size and modification time when the loader ran: part of the session's identity */
  readonly fingerprint: string;
  readonly strength: number;
  /** the components it changes (the loader checked that it fits them) */
  readonly components: readonly LoraComponent[];
}

/** Adds strength · scale · up·down to `weight` (float32, the graph's layout). */
export async function addLoraDelta(weight: Float32Array, { module, target }: PlacedModule, strength: number): Promise<void> {
  const rank = module.down.dims[0]!;
  const shape = { out: module.up.dims[0]!, rank, inner: module.down.values.length / rank };
  const product = await loraProduct(module.up.values, module.down.values, shape, target.transposed);
  const factor = strength * module.scale;
  for (let i = 0; i < weight.length; i++) weight[i]! += factor * product[i]!;
}

async function floatValues(model: OnnxModel, tensor: OnnxTensor): Promise<Float32Array> {
  const values = await readTensorValues(tensor, { baseDirectory: model.externalDataDirectory });
  if (tensor.dataType === TensorDataType.FLOAT) return values as Float32Array;
  if (tensor.dataType === TensorDataType.FLOAT16) return fromFloat16(values as Uint16Array);
  throw new UserFacingError(`the weight ${tensor.name ?? ''} is neither float32 nor float16, so a LoRA cannot be merged into it`, { hint: 'use a float32 or float16 export of the model' });
}

/** The component's weights the LoRAs change, merged (float32, the graph's layout), by initializer name. */
export async function mergedWeights(model: OnnxModel, component: LoraComponent, loras: readonly AppliedLora[], modelName: string): Promise<Map<string, Float32Array>> {
  const graphs = { [component]: new ComponentWeights(model) };
  const tensors = new Map(model.graph.initializer.map((tensor) => [tensor.name ?? '', tensor]));
  const merged = new Map<string, Float32Array>();
  for (const lora of loras) {
    if (lora.strength === 0 || !lora.components.includes(component)) continue;
    const placed = placeModules(lora.file, await readLoraFile(lora.file), { applied: [component], graphs, modelName }).get(component) ?? [];
    for (const module of placed) {
      const name = module.target.initializer;
      let weight = merged.get(name);
      if (!weight) {
        weight = await floatValues(model, tensors.get(name)!);
        merged.set(name, weight);
      }
      await addLoraDelta(weight, module, lora.strength);
    }
  }
  return merged;
}
