/**
 * One UNet call, whatever conventions the export chose: timestep as a scalar or [B], float or
 * int64; fp16 or fp32 I/O. The pipeline always hands over float32 and gets float32 back.
 */
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { ModelSession } from '../../runtime/session.js';
import { asFloatType, floatTensor, readFloats, type FloatType } from './model-tensors.js';

export class UnetModel {
  readonly #session: ModelSession;
  readonly #ioType: FloatType;
  readonly #timestep: { type: string; scalar: boolean };

  constructor(session: ModelSession) {
    this.#session = session;
    const sample = session.inputMetadata.find((input) => input.name === 'sample')!;
    this.#ioType = asFloatType(sample.type, `${session.source}: input 'sample'`);
    const timestep = session.inputMetadata.find((input) => input.name === 'timestep')!;
    this.#timestep = { type: timestep.type, scalar: timestep.shape.length === 0 };
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
