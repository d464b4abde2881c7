/**
 * CLIPSetLastLayer ("clip skip"): which hidden state a text encoder conditions on. ComfyUI's
 * stop_at_clip_layer −k is the output of the k-th layer from the end, transformers'
 * hidden_states[−k] (= hidden_states.{L+1−k} in optimum's export names); −1 is the last layer.
 * SD 1.x/2.x encoders (ComfyUI's layer_norm_hidden_state) pass that state through the encoder's
 * final_layer_norm, so −1 is last_hidden_state itself; SDXL's take it as it is (their default −2
 * is the penultimate state sdxl-text-encoding.ts reads).
 */
import path from 'node:path';
import { readModel } from '../../onnx/model-io.js';
import { readTensorValues } from '../../onnx/tensor-data.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { readJson } from '../../models/pipeline-folder.js';
import { fromFloat16 } from '../../runtime/float16.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import type { EncoderRun } from './clip-encoder-run.js';
import { readFloats } from './model-tensors.js';

interface LayerNormParameters {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly epsilon: number;
}

const finalLayerNorms = new Map<string, Promise<LayerNormParameters>>();

function encoderConfig(model: string): Record<string, unknown> {
  return readJson(path.join(path.dirname(model), 'config.json')) ?? {};
}

/** num_hidden_layers from the encoder's config.json; null when it does not say. */
export function numHiddenLayersOf(model: string): number | null {
  const layers = encoderConfig(model).num_hidden_layers;
  return typeof layers === 'number' && Number.isInteger(layers) && layers > 0 ? layers : null;
}

/** The export names of hidden_states[−k] for an encoder of `layers` layers; null past the embeddings (ComfyUI then uses the last layer). */
export function hiddenStateName(layers: number, stopAt: number): string | null {
  const index = layers + 1 + stopAt;
  return index >= 1 && index <= layers ? `hidden_states.${index}` : null;
}

async function readFinalLayerNorm(model: string): Promise<LayerNormParameters> {
  const onnx = await readModel(model);
  const tensor = async (suffix: string) => {
    const found = onnx.graph.initializer.find((candidate) => candidate.name?.endsWith(`final_layer_norm.${suffix}`));
    if (!found) {
      throw new UserFacingError(`${model} has no final_layer_norm.${suffix} initializer, which clip skip on an SD text encoder applies`, { hint: 'use stop_at_clip_layer −1 with this export, or a text encoder exported with its parameter names (optimum-cli, or this app\'s import)' });
    }
    const values = await readTensorValues(found, { baseDirectory: path.dirname(model) });
    return values instanceof Uint16Array ? fromFloat16(values) : Float32Array.from(values as Float32Array);
  };
  const epsilon = encoderConfig(model).layer_norm_eps;
  return { weight: await tensor('weight'), bias: await tensor('bias'), epsilon: typeof epsilon === 'number' ? epsilon : 1e-5 };
}

function finalLayerNorm(model: string): Promise<LayerNormParameters> {
  let parameters = finalLayerNorms.get(model);
  if (!parameters) {
    parameters = readFinalLayerNorm(model);
    finalLayerNorms.set(model, parameters);
    parameters.catch(() => finalLayerNorms.delete(model));
  }
  return parameters;
}

/** LayerNorm over the last axis of [B, T, D]. */
function layerNormRows(values: Float32Array, parameters: LayerNormParameters): Float32Array {
  const width = parameters.weight.length;
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length / width; row++) {
    const slice = values.subarray(row * width, (row + 1) * width);
    const mean = slice.reduce((sum, value) => sum + value, 0) / width;
    const variance = slice.reduce((sum, value) => sum + (value - mean) ** 2, 0) / width;
    const scale = 1 / Math.sqrt(variance + parameters.epsilon);
    for (let i = 0; i < width; i++) out[row * width + i] = (slice[i]! - mean) * scale * parameters.weight[i]! + parameters.bias[i]!;
  }
  return out;
}

function namedState(run: EncoderRun, name: string, model: string, stopAt: number): HostTensor {
  const state = run.outputs[name];
  if (state) return state;
  throw new UserFacingError(`${model} has no ${name} output for stop_at_clip_layer ${stopAt}; its outputs are ${run.outputNames.join(', ')}`, {
    hint: 'use the layer this export has (−1, or −2 for SDXL and this app\'s exports), or export the text encoder with all its hidden states (optimum-cli export onnx)',
  });
}

/**
 * The state an SD 1.x/2.x encoder conditions on for stop_at_clip_layer `stopAt` (−1: last_hidden_state),
 * with final_layer_norm applied, as [B, T, D] values.
 */
export async function sdClipSkipState(run: EncoderRun, model: string, stopAt: number): Promise<{ values: Float32Array; dims: readonly number[] }> {
  const last = run.outputs.last_hidden_state!;
  const lastState = () => ({ values: readFloats(last, 'last_hidden_state'), dims: last.dims });
  if (stopAt === -1) return lastState();
  const layers = numHiddenLayersOf(model);
  if (layers === null) throw new UserFacingError(`${model}'s config.json does not give num_hidden_layers, so stop_at_clip_layer ${stopAt} cannot be found`, { hint: 'use −1, or add the encoder\'s config.json' });
  const name = hiddenStateName(layers, stopAt);
  // Past the first layer ComfyUI falls back to the whole encoder.
  if (name === null) return lastState();
  const state = namedState(run, name, model, stopAt);
  return { values: layerNormRows(readFloats(state, name), await finalLayerNorm(model)), dims: state.dims };
}

/** The state an SDXL encoder conditions on for stop_at_clip_layer `stopAt`, as it is. */
export function sdxlClipSkipState(run: EncoderRun, model: string, stopAt: number): HostTensor {
  const layers = numHiddenLayersOf(model);
  const name = layers === null ? null : hiddenStateName(layers, stopAt);
  if (name === null) throw new UserFacingError(`stop_at_clip_layer ${stopAt} needs ${model}'s num_hidden_layers (config.json)`, { hint: 'use the default −2, or add the encoder\'s config.json' });
  return namedState(run, name, model, stopAt);
}
