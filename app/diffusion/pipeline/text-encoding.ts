/** Prompt → CLIP text embeddings, as diffusers' _encode_prompt does for SD 1.x/2.x. */
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import { loadClipTokenizer, type ClipTokenizer } from '../tokenizer/clip-tokenizer.js';
import { leaseComponent } from './model-sessions.js';
import { readFloats } from './model-tensors.js';
import type { Conditioning } from './values.js';

const tokenizers = new Map<string, Promise<ClipTokenizer>>();

function tokenizerFor(folder: PipelineFolder): Promise<ClipTokenizer> {
  let tokenizer = tokenizers.get(folder.tokenizerDir);
  if (!tokenizer) {
    tokenizer = loadClipTokenizer(folder.tokenizerDir);
    tokenizers.set(folder.tokenizerDir, tokenizer);
    tokenizer.catch(() => tokenizers.delete(folder.tokenizerDir));
  }
  return tokenizer;
}

export async function encodePrompt(folder: PipelineFolder, prompt: string, preference: ExecutionProviderPreference): Promise<Conditioning> {
  const tokenizer = await tokenizerFor(folder);
  const encoding = tokenizer.encode(prompt);
  const lease = await leaseComponent(folder.textEncoder, 'text_encoder', preference);
  try {
    const { session } = lease;
    const idsType = session.inputMetadata.find((input) => input.name === 'input_ids')?.type;
    // Exports disagree on the id type: optimum writes int32, torch.onnx defaults to int64.
    const ids = idsType === 'int64'
      ? { type: 'int64' as const, data: BigInt64Array.from(encoding.ids, (id) => BigInt(id)), dims: [1, encoding.ids.length] }
      : { type: 'int32' as const, data: encoding.ids, dims: [1, encoding.ids.length] };
    const outputs = await session.run({ input_ids: ids });
    const hidden = outputs.last_hidden_state!;
    const [batch, tokens, width] = hidden.dims as [number, number, number];
    return {
      prompt,
      embeddings: readFloats(hidden, 'last_hidden_state'),
      dims: [batch, tokens, width],
      pooled: outputs.pooler_output ? readFloats(outputs.pooler_output, 'pooler_output') : null,
      truncation: encoding.truncated ? { droppedTokens: encoding.droppedTokenCount, droppedText: encoding.droppedText } : null,
    };
  } finally {
    lease.release();
  }
}
