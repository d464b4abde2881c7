/**
 * Where each module of a LoRA file lands: which component (UNet or a text encoder) and which
 * initializer of its ONNX graph. The project's graphs name weights by diffusers module path
 * (`down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q`), a Linear's stored transposed as
 * `<module>.weight.T` ([in, out]) and a Conv's as `<module>.weight`. The file names the module by
 * a prefix for the component and the path, either dotted (diffusers / PEFT) or with every dot
 * turned into "_" (kohya), so kohya names are matched against the flattened paths of the graph.
 * A module that lands nowhere, or on a weight of another shape, refuses the whole file: that is a
 * LoRA for another family.
 */
import path from 'node:path';
import { graphTensors } from '../../onnx/graph-tensors.js';
import type { OnnxModel } from '../../onnx/model.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { flattenedPathOfLdmName } from './ldm-lora-names.js';
import type { LoraModule } from './lora-file.js';

export type LoraComponent = 'unet' | 'text_encoder' | 'text_encoder_2';

interface Naming {
  readonly prefix: string;
  readonly component: LoraComponent;
  readonly flattened: boolean;
}

/** kohya's lora_te1_/lora_te2_ are SDXL's two encoders; lora_te_ is SD 1/2's one. */
const NAMINGS: readonly Naming[] = [
  { prefix: 'lora_unet_', component: 'unet', flattened: true },
  { prefix: 'lora_te1_', component: 'text_encoder', flattened: true },
  { prefix: 'lora_te2_', component: 'text_encoder_2', flattened: true },
  { prefix: 'lora_te_', component: 'text_encoder', flattened: true },
  { prefix: 'unet.', component: 'unet', flattened: false },
  { prefix: 'text_encoder_2.', component: 'text_encoder_2', flattened: false },
  { prefix: 'text_encoder.', component: 'text_encoder', flattened: false },
];

const flatten = (modulePath: string) => modulePath.replaceAll('.', '_');

/** diffusers' attention processors named to_q as `processor.to_q` and to_out.0 as `processor.to_out`. */
function withoutProcessor(modulePath: string): string {
  const plain = modulePath.replace(/\.processor\.(to_[a-z]+)$/, '.$1');
  return plain !== modulePath && plain.endsWith('.to_out') ? `${plain}.0` : plain;
}

/** The component and module path a module name means; an unprefixed dotted name is the UNet's (as ComfyUI reads it). */
export function componentOf(moduleName: string): { component: LoraComponent; modulePath: string; flattened: boolean } {
  const naming = NAMINGS.find(({ prefix }) => moduleName.startsWith(prefix));
  if (!naming) return { component: 'unet', modulePath: withoutProcessor(moduleName), flattened: false };
  const rest = moduleName.slice(naming.prefix.length);
  return { component: naming.component, modulePath: naming.flattened ? rest : withoutProcessor(rest), flattened: naming.flattened };
}

export interface WeightTarget {
  readonly initializer: string;
  /** the weight in torch layout: [out, in] or [out, in, kh, kw] */
  readonly torchDims: readonly number[];
  /** stored [in, out] (a Linear as MatMul) */
  readonly transposed: boolean;
}

const DOWN_BLOCK_RESNET = /^down_blocks\.0\.resnets\.(\d+)\./;

/** A component graph's weights by module path, dotted and flattened. */
export class ComponentWeights {
  readonly #dotted = new Map<string, WeightTarget>();
  readonly #flattened = new Map<string, WeightTarget>();
  /** a UNet's resnets per down block (what places LDM-layout names); 0 for a text encoder */
  #layersPerBlock = 0;

  constructor(model: OnnxModel) {
    for (const { tensor, role } of graphTensors(model.graph)) {
      const name = tensor.name ?? '';
      if (role !== 'initializer') continue;
      const transposed = name.endsWith('.weight.T') && tensor.dims.length === 2;
      if (!transposed && !name.endsWith('.weight')) continue;
      const modulePath = name.slice(0, -(transposed ? '.weight.T' : '.weight').length);
      const target = { initializer: name, torchDims: transposed ? [tensor.dims[1]!, tensor.dims[0]!] : [...tensor.dims], transposed };
      this.#dotted.set(modulePath, target);
      this.#flattened.set(flatten(modulePath), target);
      const resnet = DOWN_BLOCK_RESNET.exec(name);
      if (resnet) this.#layersPerBlock = Math.max(this.#layersPerBlock, Number(resnet[1]) + 1);
    }
  }

  /** A kohya name may also be in the UNet's LDM layout (sd-scripts' SDXL LoRAs). */
  find(modulePath: string, flattened: boolean): WeightTarget | undefined {
    if (!flattened) return this.#dotted.get(modulePath);
    const direct = this.#flattened.get(modulePath);
    if (direct || this.#layersPerBlock === 0) return direct;
    const ldm = flattenedPathOfLdmName(modulePath, this.#layersPerBlock);
    return ldm === null ? undefined : this.#flattened.get(ldm);
  }
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Why up·down cannot be added to the weight, or null when it can (ComfyUI reshapes the product to the weight's shape). */
function shapeProblem(module: LoraModule, target: WeightTarget): string | null {
  const out = module.up.dims[0]!;
  const inner = product(module.down.dims.slice(1));
  if (out === target.torchDims[0] && out * inner === product(target.torchDims)) return null;
  return `gives [${out}, ${module.down.dims.slice(1).join(', ')}] but ${target.initializer} is [${target.torchDims.join(', ')}]`;
}

export interface PlacedModule {
  readonly module: LoraModule;
  readonly target: WeightTarget;
}

/** What the LoRA is checked against: the components a node applies it to, and the graphs of those the model has. */
export interface TargetModels {
  readonly applied: readonly LoraComponent[];
  readonly graphs: Partial<Record<LoraComponent, ComponentWeights>>;
  /** for messages: the checkpoint's name */
  readonly modelName: string;
}

function mismatch(file: string, module: LoraModule, models: TargetModels, reason: string): UserFacingError {
  return new UserFacingError(`the LoRA ${path.basename(file)} does not fit ${models.modelName}: its key '${module.key}' ${reason}`, {
    code: 'lora.mismatch',
    hint: 'the LoRA was trained for another model family (SD 1.5, SD 2, SDXL); choose one made for this checkpoint',
  });
}

/** The modules of `file` placed on the applied components' weights, by component. Throws on the first module that fits nowhere. */
export function placeModules(file: string, modules: readonly LoraModule[], models: TargetModels): Map<LoraComponent, PlacedModule[]> {
  const placed = new Map<LoraComponent, PlacedModule[]>();
  for (const module of modules) {
    const { component, modulePath, flattened } = componentOf(module.name);
    if (!models.applied.includes(component)) continue;
    const weights = models.graphs[component];
    if (!weights) throw mismatch(file, module, models, `is for a ${component}, which this model does not have`);
    const target = weights.find(modulePath, flattened);
    if (!target) throw mismatch(file, module, models, `names no weight of its ${component}`);
    const problem = shapeProblem(module, target);
    if (problem !== null) throw mismatch(file, module, models, problem);
    const list = placed.get(component) ?? [];
    list.push({ module, target });
    placed.set(component, list);
  }
  return placed;
}
