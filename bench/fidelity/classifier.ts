/**
 * The fidelity classifier (tools/train/fidelity_classifier.py, trained by tools/train/classifier.py)
 * as an ONNX graph built by the project's own builder from models/fidelity-classifier/
 * {config.json, model.safetensors}, run through app/runtime. Its pooled features take the place of
 * Inception's pool3 features in the benchmark's FID/KID-like scores (distances.ts): Inception never
 * saw 32² emoji, this network was trained on exactly the distribution the diffusion model learns.
 *
 * Every image is brought to the classifier's input size (32²) by the training set's own area
 * resampler before it is scored, as FID resizes every image to Inception's 299² input: the
 * features only describe the distribution they were trained at, and a 64² or 128² generation is
 * judged by what it shows at the training resolution (a duplicated object stays duplicated).
 * Non-square images are stretched to a square, as FID's resize does.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { inModule, type LayerContext } from '../../app/models/sd/layers/layer-context.js';
import { conv2d } from '../../app/models/sd/layers/conv2d.js';
import { linear } from '../../app/models/sd/layers/linear.js';
import { groupNorm } from '../../app/models/sd/layers/normalization.js';
import { SafetensorsWeights, type WeightSource } from '../../app/models/weights/index.js';
import { GraphBuilder, type OnnxModel, type Value } from '../../app/onnx/graph-builder.js';
import { serializeModel } from '../../app/onnx/model-io.js';
import { averagePool, constant, constantInt64, div, reduceMean, relu, sub, transpose } from '../../app/onnx/ops.js';
import { openSession, type ExecutionProviderName, type ModelSession } from '../../app/runtime/session.js';
import { assertRgbImage, fidelityInputError, resizeByArea, type RgbImage } from './image-ops.js';

export const FIDELITY_CLASSIFIER_FOLDER = 'models/fidelity-classifier';

const rgbTriple = z.tuple([z.number(), z.number(), z.number()]);

/** config.json as tools/train/classifier.py writes it (the "training" record is informative only). */
const configSchema = z
  .object({
    model_type: z.literal('fidelity-classifier'),
    in_channels: z.literal(3),
    image_size: z.number().int().positive(),
    normalization: z.object({ mean: rgbTriple, std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]) }),
    block_out_channels: z.array(z.number().int().positive()).min(1),
    layers_per_block: z.number().int().positive(),
    norm_num_groups: z.number().int().positive(),
    norm_eps: z.number().positive(),
    classes: z.array(z.object({ source: z.string(), category: z.string() })).min(1),
    /** What tools/train/classifier.py recorded; only the held-out category accuracy is read (the recognisability ceiling). */
    training: z.object({ held_out_accuracy: z.object({ category: z.number().min(0).max(1) }).loose().optional() }).loose().optional(),
  })
  .loose();

export type FidelityClassifierConfig = z.infer<typeof configSchema>;

export function parseClassifierConfig(json: unknown, source: string): FidelityClassifierConfig {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fidelityInputError(`${source}: ${issue.path.map(String).join('.') || '(root)'}`, issue.message);
  }
  const config = parsed.data;
  const indivisible = config.block_out_channels.find((channels) => channels % config.norm_num_groups !== 0);
  if (indivisible !== undefined) throw fidelityInputError(`${source}: norm_num_groups`, `${config.norm_num_groups} does not divide block_out_channels entry ${indivisible}`);
  return config;
}

/** Length of the feature vector: the last stage's channels. */
export const featureSize = (config: FidelityClassifierConfig): number => config.block_out_channels.at(-1)!;

/**
 * images [N, S, S, 3] float32 in [0, 1] (NHWC, so 8-bit pixels need only a division) →
 * features [N, C] and logits [N, classes], the parameter names those of the PyTorch module.
 */
export function buildClassifierGraph(config: FidelityClassifierConfig, weights: WeightSource): OnnxModel {
  const g = new GraphBuilder({ graphName: 'fidelity_classifier' });
  const ctx: LayerContext = { g, weights, dtype: 'float32' };
  const size = config.image_size;
  const channel = (values: readonly number[]): Value => constant(g, 'float32', [1, 3, 1, 1], Float32Array.from(values));
  let x = transpose(g, g.input('images', 'float32', ['batch', size, size, 3]), { perm: [0, 3, 1, 2] });
  x = div(g, sub(g, x, channel(config.normalization.mean)), channel(config.normalization.std));
  let inChannels: number = config.in_channels;
  config.block_out_channels.forEach((outChannels, stage) => {
    if (stage > 0) x = averagePool(g, x, { kernelShape: [2, 2], strides: [2, 2] });
    inModule(ctx, `stages.${stage}`, () => {
      for (let layer = 0; layer < config.layers_per_block; layer++) {
        x = inModule(ctx, `layers.${layer}`, () => {
          const convolved = inModule(ctx, 'conv', () => conv2d(ctx, x, inChannels, outChannels, 3));
          return relu(g, inModule(ctx, 'norm', () => groupNorm(ctx, convolved, outChannels, config.norm_num_groups, config.norm_eps)));
        });
        inChannels = outChannels;
      }
    });
  });
  const features = reduceMean(g, x, constantInt64(g, [2, 3]), { keepdims: 0 });
  const logits = inModule(ctx, 'head', () => linear(ctx, features, inChannels, config.classes.length));
  g.output(features, 'features', 'float32', ['batch', inChannels]);
  g.output(logits, 'logits', 'float32', ['batch', config.classes.length]);
  return g.build();
}

export interface ClassifierOutputs {
  /** One pooled feature vector per image (featureSize(config) values): the rows distances.ts takes. */
  readonly features: Float32Array[];
  /** One row of class scores per image, in config.classes order. */
  readonly logits: Float32Array[];
}

/** Images per ONNX Runtime call: bounds the activations (~0.5 MB an image) without slowing small sets. */
const CHUNK = 256;

export class FidelityClassifier {
  private constructor(
    readonly config: FidelityClassifierConfig,
    private readonly session: ModelSession,
  ) {}

  static async open(folder = FIDELITY_CLASSIFIER_FOLDER, options: { executionProvider?: ExecutionProviderName } = {}): Promise<FidelityClassifier> {
    const configPath = join(folder, 'config.json');
    const config = parseClassifierConfig(JSON.parse(await readFile(configPath, 'utf8')), configPath);
    const weights = await SafetensorsWeights.open(join(folder, 'model.safetensors'));
    try {
      const model = buildClassifierGraph(config, weights);
      const unused = weights.unusedTensors();
      if (unused.length > 0) throw fidelityInputError(weights.description, `holds tensors the graph does not use (${unused.join(', ')}): config.json and the weights disagree`);
      const session = await openSession(serializeModel(model), { executionProvider: options.executionProvider ?? 'cpu' });
      return new FidelityClassifier(config, session);
    } finally {
      await weights.close();
    }
  }

  /** Features and logits of each image; images of another size are area-resampled to the input size first. */
  async embed(images: readonly RgbImage[]): Promise<ClassifierOutputs> {
    const size = this.config.image_size;
    const pixels = images.map((image, index) => {
      assertRgbImage(image, `FidelityClassifier.embed.images[${index}]`);
      return image.width === size && image.height === size ? image.data : resizeByArea(image, size).data;
    });
    const features: Float32Array[] = [];
    const logits: Float32Array[] = [];
    for (let start = 0; start < pixels.length; start += CHUNK) {
      const chunk = pixels.slice(start, start + CHUNK);
      const data = new Float32Array(chunk.length * size * size * 3);
      chunk.forEach((bytes, index) => data.set(Float32Array.from(bytes, (value) => value / 255), index * bytes.length));
      const outputs = await this.session.run({ images: { type: 'float32', data, dims: [chunk.length, size, size, 3] } });
      features.push(...rows(outputs.features!.data as Float32Array, chunk.length));
      logits.push(...rows(outputs.logits!.data as Float32Array, chunk.length));
    }
    return { features, logits };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function rows(data: Float32Array, count: number): Float32Array[] {
  const width = data.length / count;
  return Array.from({ length: count }, (_, index) => data.slice(index * width, (index + 1) * width));
}
