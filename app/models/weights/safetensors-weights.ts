/**
 * A WeightSource backed by one .safetensors file with diffusers key names. It remembers which
 * tensors were asked for, so after a build `unusedTensors()` reports what the builder did not
 * consume — usually a sign of a layout mismatch (another architecture, another key naming).
 */
import { SafetensorsFile, openSafetensors } from './safetensors-file.js';
import { weightError, formatShape, type WeightSource } from './weight-source.js';

export class SafetensorsWeights implements WeightSource {
  readonly description: string;
  private readonly requested = new Set<string>();

  constructor(readonly file: SafetensorsFile) {
    this.description = `safetensors file ${file.path}`;
  }

  static async open(path: string): Promise<SafetensorsWeights> {
    return new SafetensorsWeights(await openSafetensors(path));
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    this.requested.add(name);
    const info = this.file.info(name);
    if (info === undefined) {
      throw weightError('missing', name, this.description, 'is missing', this.missingHint(name));
    }
    if (info.shape.length !== shape.length || info.shape.some((dim, axis) => dim !== shape[axis])) {
      throw weightError(
        'wrong_shape',
        name,
        this.description,
        `has shape ${formatShape(info.shape)} but ${formatShape(shape)} was expected`,
        'the file is probably for another model configuration (check block_out_channels, cross_attention_dim, use_linear_projection)',
      );
    }
    if (info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      throw weightError('unsupported_dtype', name, this.description, `is ${info.dtype}`, 'store weights as F32, F16 or BF16');
    }
    return this.file.readSync(name);
  }

  /** Tensors in the file that were never requested through tensor(). */
  unusedTensors(): string[] {
    return this.file.tensorNames().filter((name) => !this.requested.has(name));
  }

  close(): Promise<void> {
    return this.file.close();
  }

  private missingHint(name: string): string {
    const leaf = name.slice(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
    const similar = this.file.tensorNames().filter((candidate) => candidate.endsWith(`.${leaf}`)).slice(0, 3);
    const layout = 'the file may use another key layout (diffusers names are expected, e.g. "down_blocks.0.resnets.0.conv1.weight")';
    return similar.length > 0 ? `${layout}; tensors ending the same way: ${similar.join(', ')}` : layout;
  }
}
