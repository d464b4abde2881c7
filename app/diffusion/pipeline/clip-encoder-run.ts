/**
 * One CLIP text encoder run on a prompt: its folder's tokenizer (loaded once per folder) and one
 * session call. SD's encoding (text-encoding.ts) and SDXL's (sdxl-text-encoding.ts) both build on it.
 */
import type { AppliedLora } from '../../models/lora/lora-merge.js';
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import type { HostTensor } from '../../runtime/host-tensor.js';
import { loadClipTokenizer, type ClipEncoding, type ClipTokenizer } from '../tokenizer/clip-tokenizer.js';
import { leaseComponent } from './model-sessions.js';
import type { ComponentRole } from './model-signature.js';
import type { Conditioning } from './values.js';

const tokenizers = new Map<string, Promise<ClipTokenizer>>();

function tokenizerFor(tokenizerDir: string): Promise<ClipTokenizer> {
  let tokenizer = tokenizers.get(tokenizerDir);
  if (!tokenizer) {
    tokenizer = loadClipTokenizer(tokenizerDir);
    tokenizers.set(tokenizerDir, tokenizer);
    tokenizer.catch(() => tokenizers.delete(tokenizerDir));
  }
  return tokenizer;
}

export interface EncoderRun {
  readonly encoding: ClipEncoding;
  readonly outputs: Record<string, HostTensor>;
  /** The session's output names, for picking a hidden state by name. */
  readonly outputNames: readonly string[];
}

export interface EncoderFiles {
  readonly tokenizerDir: string;
  readonly model: string;
  readonly role: ComponentRole;
}

export async function runTextEncoder(files: EncoderFiles, prompt: string, preference: ExecutionProviderPreference, loras: readonly AppliedLora[] = []): Promise<EncoderRun> {
  const encoding = (await tokenizerFor(files.tokenizerDir)).encode(prompt);
  const lease = await leaseComponent(files.model, files.role, preference, loras);
  try {
    const { session } = lease;
    const idsType = session.inputMetadata.find((input) => input.name === 'input_ids')?.type;
    // Exports disagree on the id type: optimum writes int32, torch.onnx defaults to int64.
    const ids = idsType === 'int64'
      ? { type: 'int64' as const, data: BigInt64Array.from(encoding.ids, (id) => BigInt(id)), dims: [1, encoding.ids.length] }
      : { type: 'int32' as const, data: encoding.ids, dims: [1, encoding.ids.length] };
    return { encoding, outputs: await session.run({ input_ids: ids }), outputNames: session.outputNames };
  } finally {
    lease.release();
  }
}

export function truncationOf(encoding: ClipEncoding): Conditioning['truncation'] {
  return encoding.truncated ? { droppedTokens: encoding.droppedTokenCount, droppedText: encoding.droppedText } : null;
}
