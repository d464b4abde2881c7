/**
 * Prompt → CLIP text embeddings, as diffusers' _encode_prompt does for SD 1.x/2.x; an SDXL folder
 * (it has text_encoder_2) goes through both encoders (sdxl-text-encoding.ts).
 */
import type { AppliedLora } from '../../models/lora/lora-merge.js';
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import { runTextEncoder, truncationOf } from './clip-encoder-run.js';
import { readFloats } from './model-tensors.js';
import { encodeSdxlPrompt } from './sdxl-text-encoding.js';
import type { Conditioning } from './values.js';

/**
 * `prompt2` is SDXL's prompt for text_encoder_2 (diffusers' prompt_2); empty means `prompt`. SD
 * folders ignore it. `loras` (a CLIP's) are merged into the encoders' weights.
 */
export async function encodePrompt(folder: PipelineFolder, prompt: string, preference: ExecutionProviderPreference, prompt2 = '', loras: readonly AppliedLora[] = []): Promise<Conditioning> {
  if (folder.textEncoder2 !== null && folder.tokenizer2Dir !== null) {
    return encodeSdxlPrompt(folder, { prompt, prompt2: prompt2.trim() === '' ? prompt : prompt2 }, preference, loras);
  }
  const { encoding, outputs } = await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, prompt, preference, loras);
  const hidden = outputs.last_hidden_state!;
  const [batch, tokens, width] = hidden.dims as [number, number, number];
  return {
    prompt,
    embeddings: readFloats(hidden, 'last_hidden_state'),
    dims: [batch, tokens, width],
    pooled: outputs.pooler_output ? readFloats(outputs.pooler_output, 'pooler_output') : null,
    truncation: truncationOf(encoding),
  };
}
