/**
 * SDXL's prompt encoding, as diffusers' StableDiffusionXLPipeline.encode_prompt: `prompt` through
 * tokenizer + text_encoder (CLIP ViT-L), `prompt2` through tokenizer_2 + text_encoder_2 (OpenCLIP
 * bigG), each encoder's PENULTIMATE hidden state (transformers' hidden_states[-2]) joined on the
 * feature axis (768 + 1280 = 2048), and the pooled embedding from text_encoder_2 alone (its
 * text_embeds: the projected pooled output).
 */
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { runTextEncoder, truncationOf, type EncoderRun } from './clip-encoder-run.js';
import { numHiddenLayersOf, sdxlClipSkipState } from './clip-skip.js';
import { readFloats } from './model-tensors.js';
import type { ClipChoices, Conditioning } from './values.js';

const HIDDEN_STATE = /^hidden_states\.(\d+)$/;

/**
 * The output holding hidden_states[-2]. transformers' hidden_states has L + 1 entries (index 0 is
 * the embeddings, index i the output of layer i), so the penultimate is index L − 1. The rule:
 * with num_hidden_layers L in the encoder's config.json, `hidden_states.{L−1}`; without it, an
 * export of ALL states (optimum: hidden_states.0 … hidden_states.L) gives the second highest, and
 * an export of one state (ours: only the penultimate) gives that one.
 */
export function penultimateStateName(outputNames: readonly string[], numHiddenLayers: number | null, source: string): string {
  const indices = outputNames.flatMap((name) => {
    const match = HIDDEN_STATE.exec(name);
    return match ? [Number(match[1])] : [];
  }).sort((a, b) => a - b);
  const index = numHiddenLayers !== null ? numHiddenLayers - 1 : indices.length === 1 ? indices[0] : indices.length > 1 && indices[0] === 0 ? indices[indices.length - 2] : undefined;
  if (index !== undefined && indices.includes(index)) return `hidden_states.${index}`;
  throw new UserFacingError(
    `${source} has no penultimate hidden state output${numHiddenLayers !== null ? ` (hidden_states.${numHiddenLayers - 1} for its ${numHiddenLayers} layers)` : ''}; its outputs are ${outputNames.join(', ')}`,
    { hint: 'export the SDXL text encoders with their hidden states (optimum-cli export onnx does)' },
  );
}

/** The state each encoder conditions on: the penultimate, or CLIPSetLastLayer's choice. */
function conditioningState(run: EncoderRun, model: string, stopAt: number | undefined): HostTensor {
  if (stopAt !== undefined && stopAt !== -2) return sdxlClipSkipState(run, model, stopAt);
  return run.outputs[penultimateStateName(run.outputNames, numHiddenLayersOf(model), model)]!;
}

/** [B,T,A] and [B,T,C] → [B,T,A+C]. */
export function concatFeatures(first: Float32Array, firstWidth: number, second: Float32Array, secondWidth: number): Float32Array {
  const rows = first.length / firstWidth;
  const width = firstWidth + secondWidth;
  const joined = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    joined.set(first.subarray(row * firstWidth, (row + 1) * firstWidth), row * width);
    joined.set(second.subarray(row * secondWidth, (row + 1) * secondWidth), row * width + firstWidth);
  }
  return joined;
}

export async function encodeSdxlPrompt(folder: PipelineFolder, prompts: { prompt: string; prompt2: string }, preference: ExecutionProviderPreference, clip: ClipChoices = {}): Promise<Conditioning> {
  const first = await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, prompts.prompt, preference, clip.loras);
  const second = await runTextEncoder({ tokenizerDir: folder.tokenizer2Dir!, model: folder.textEncoder2!, role: 'text_encoder_2' }, prompts.prompt2, preference, clip.loras);
  const stateA = conditioningState(first, folder.textEncoder, clip.stopAt);
  const stateB = conditioningState(second, folder.textEncoder2!, clip.stopAt);
  const [batch, tokens, widthA] = stateA.dims as [number, number, number];
  const widthB = stateB.dims[2]!;
  if (stateB.dims[1] !== tokens) {
    throw new UserFacingError(`${folder.name}'s text encoders give ${tokens} and ${stateB.dims[1]} tokens; SDXL joins their states token by token`, { hint: 'use tokenizers with the same model_max_length (77)' });
  }
  return {
    prompt: prompts.prompt,
    embeddings: concatFeatures(readFloats(stateA, 'hidden state'), widthA, readFloats(stateB, 'hidden state'), widthB),
    dims: [batch, tokens, widthA + widthB],
    pooled: readFloats(second.outputs.text_embeds!, 'text_embeds'),
    truncation: truncationOf(first.encoding) ?? truncationOf(second.encoding),
  };
}
