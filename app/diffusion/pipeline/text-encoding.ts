/**
 * Prompt → CLIP text embeddings, as diffusers' _encode_prompt does for SD 1.x/2.x; an SDXL folder
 * (it has text_encoder_2) goes through both encoders (sdxl-text-encoding.ts).
 */
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import { runTextEncoder, truncationOf } from './clip-encoder-run.js';
import { sdClipSkipState } from './clip-skip.js';
import { readFloats } from './model-tensors.js';
import { encodeSdxlPrompt } from './sdxl-text-encoding.js';
import type { ClipChoices, Conditioning } from './values.js';

/**
 * `prompt2` is SDXL's prompt for text_encoder_2 (diffusers' prompt_2); empty means `prompt`. SD folders ignore it.
 */
export async function encodePrompt(folder: PipelineFolder, prompt: string, preference: ExecutionProviderPreference, prompt2 = '', clip: ClipChoices = {}): Promise<Conditioning> {
  if (folder.textEncoder2 !== null && folder.tokenizer2Dir !== null) {
    return encodeSdxlPrompt(folder, { prompt, prompt2: prompt2.trim() === '' ? prompt : prompt2 }, preference, clip);
  }
  const run = await runTextEncoder({ tokenizerDir: folder.tokenizerDir, model: folder.textEncoder, role: 'text_encoder' }, prompt, preference, clip.loras);
  const { encoding, outputs } = run;
  const hidden = await sdClipSkipState(run, folder.textEncoder, clip.stopAt ?? -1);
  const [batch, tokens, width] = hidden.dims as [number, number, number];
  return {
    prompt,
    embeddings: hidden.values,
    dims: [batch, tokens, width],
    pooled: outputs.pooler_output ? readFloats(outputs.pooler_output, 'pooler_output') : null,
    truncation: truncationOf(encoding),
  };
}
