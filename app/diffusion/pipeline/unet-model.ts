/**
 * One UNet call, whatever conventions the export chose: timestep as a scalar or [B], float or
 * int64; fp16 or fp32 I/O. The pipeline always hands over float32 and gets float32 back.
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { ModelSession } from '../../runtime/session.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { asFloatType, floatTensor, readFloats, type FloatType } from './model-tensors.js';
import { addedConditionRows, imageSizeConditioning } from './sdxl-added-conditions.js';
import type { Conditioning, Latent, SizeConditioning } from './values.js';

export interface UnetModelOptions {
  /** Image pixels per latent pixel; SDXL's default time_ids are in image pixels. */
  readonly vaeScaleFactor: number;
}

export class UnetModel {
  readonly #session: ModelSession;
  readonly #ioType: FloatType;
  readonly #timestep: { type: string; scalar: boolean };
  readonly #vaeScaleFactor: number;
  /** SDXL's text_embeds and time_ids input types; null for a UNet without added conditions. */
  readonly #added: { textEmbeds: FloatType; timeIds: FloatType } | null;

  constructor(session: ModelSession, options: UnetModelOptions = { vaeScaleFactor: 8 }) {
    this.#session = session;
    this.#vaeScaleFactor = options.vaeScaleFactor;
    const typeOf = (name: string) => session.inputMetadata.find((input) => input.name === name)?.type;
    const textEmbeds = typeOf('text_embeds');
    const timeIds = typeOf('time_ids');
    this.#added = textEmbeds && timeIds
      ? { textEmbeds: asFloatType(textEmbeds, `${session.source}: input 'text_embeds'`), timeIds: asFloatType(timeIds, `${session.source}: input 'time_ids'`) }
      : null;
    const sample = session.inputMetadata.find((input) => input.name === 'sample')!;
    this.#ioType = asFloatType(sample.type, `${session.source}: input 'sample'`);
    const timestep = session.inputMetadata.find((input) => input.name === 'timestep')!;
    this.#timestep = { type: timestep.type, scalar: timestep.shape.length === 0 };
  }

  /** Image pixels per latent pixel: ConditioningSetArea's pixel areas become latent units by it. */
  get vaeScaleFactor(): number {
    return this.#vaeScaleFactor;
  }

  /** Refuses conditioning this UNet cannot attend to, naming the node field that brought it. */
  checkConditioning(field: string, conditioning: Conditioning): void {
    const width = this.#dimension('encoder_hidden_states', 2);
    if (width !== null && conditioning.dims[2] !== width) {
      throw new UserFacingError(`the ${field} conditioning is ${conditioning.dims[2]} wide but this UNet attends to ${width}`, { field, hint: 'encode the prompt with the CLIP of the same checkpoint' });
    }
    if (!this.#added) return;
    if (conditioning.pooled === null) {
      throw new UserFacingError(`the ${field} conditioning has no pooled text embedding, which this SDXL UNet takes as text_embeds`, { field, hint: 'encode the prompt with the CLIP of the same SDXL checkpoint (its text_encoder_2 gives the pooled embedding)' });
    }
    const pooledWidth = this.#dimension('text_embeds', 1);
    if (pooledWidth !== null && conditioning.pooled.length !== pooledWidth * conditioning.dims[0]) {
      throw new UserFacingError(`the ${field} conditioning's pooled embedding is ${conditioning.pooled.length / conditioning.dims[0]} wide but this UNet's text_embeds takes ${pooledWidth}`, { field, hint: 'encode the prompt with the CLIP of the same SDXL checkpoint' });
    }
  }

  /**
   * SDXL's text_embeds and time_ids for a batch of each conditioning repeated `repeat` times (none
   * for a UNet without them). Sizes default to the positive side's, then to the image's.
   */
  addedConditionFeeds(conditionings: readonly Conditioning[], repeat: number, latentDims: readonly number[], positiveSize?: SizeConditioning): Record<string, HostTensor> {
    if (!this.#added) return {};
    const fallback = positiveSize ?? imageSizeConditioning(latentDims[2]! * this.#vaeScaleFactor, latentDims[3]! * this.#vaeScaleFactor);
    const rows = addedConditionRows(conditionings, repeat, fallback);
    const count = conditionings.length * repeat;
    return {
      text_embeds: floatTensor(rows.textEmbeds, [count, rows.textEmbeds.length / count], this.#added.textEmbeds),
      time_ids: floatTensor(rows.timeIds, [count, 6], this.#added.timeIds),
    };
  }

  /** Refuses a latent whose channel count the UNet does not take; `hint` says where the count came from. */
  checkLatent(field: string, latent: Latent, hint: string): void {
    const channels = this.#dimension('sample', 1);
    if (channels !== null && latent.dims[1] !== channels) {
      throw new UserFacingError(`the latent has ${latent.dims[1]} channels but this UNet takes ${channels}`, { field, hint });
    }
  }

  /** A fixed size of an input's axis; null where the export left it dynamic. */
  #dimension(input: string, axis: number): number | null {
    const size = this.#session.inputMetadata.find((item) => item.name === input)?.shape[axis];
    return typeof size === 'number' && size > 0 ? size : null;
  }

  /** ε (or v) for `sample` [B,C,h,w] at `timestep`, attending to `context` [B,77,D]. */
  async predict(sample: Float32Array, sampleDims: readonly number[], timestep: number, context: Float32Array, contextDims: readonly number[], extraFeeds: Record<string, HostTensor> = {}): Promise<Float32Array> {
    const batch = sampleDims[0]!;
    const outputs = await this.#session.run({
      sample: floatTensor(sample, sampleDims, this.#ioType),
      timestep: this.#timestepTensor(timestep, batch),
      encoder_hidden_states: floatTensor(context, contextDims, this.#ioType),
      ...extraFeeds,
    });
    return readFloats(outputs.out_sample!, 'out_sample');
  }

  #timestepTensor(timestep: number, batch: number): HostTensor {
    const dims = this.#timestep.scalar ? [] : [batch];
    const count = this.#timestep.scalar ? 1 : batch;
    switch (this.#timestep.type) {
      case 'int64':
        // Euler-family timesteps can be fractional; optimum's int64 exports truncate them too.
        return { type: 'int64', data: new BigInt64Array(count).fill(BigInt(Math.trunc(timestep))), dims };
      case 'int32':
        return { type: 'int32', data: new Int32Array(count).fill(Math.trunc(timestep)), dims };
      default:
        return floatTensor(new Float32Array(count).fill(timestep), dims, asFloatType(this.#timestep.type, `${this.#session.source}: input 'timestep'`));
    }
  }
}
