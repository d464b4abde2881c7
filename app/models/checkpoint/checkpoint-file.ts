/**
 * Opens a single-file checkpoint for import: only .safetensors. Pickle checkpoints (.ckpt, .pt,
 * .pth, .bin — torch.save's zip or raw pickle) are refused before a byte is interpreted, because
 * unpickling runs whatever code the file names. A damaged safetensors file (truncated, a header
 * whose offsets do not tile the data, see safetensors-header.ts) becomes a UserFacingError naming
 * the file and the problem.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { SafetensorsFile } from '../weights/safetensors-file.js';
import { SAFETENSORS_FORMAT_PROBLEM } from '../weights/safetensors-header.js';

const PICKLE_EXTENSIONS = new Set(['.ckpt', '.pt', '.pth', '.bin', '.pkl']);
/** torch.save writes a zip ("PK\x03\x04") since 1.6, a raw pickle (protocol opcode 0x80) before. */
const PICKLE_MAGIC: readonly Uint8Array[] = [Uint8Array.of(0x50, 0x4b, 0x03, 0x04), Uint8Array.of(0x80)];

const CONVERT_HINT = 'convert it to .safetensors in a trusted Python environment (e.g. safetensors.torch.save_file(torch.load(path, weights_only=True)["state_dict"], out)), or download the .safetensors version most models publish';

function pickleRefusal(file: string, why: string): UserFacingError {
  return new UserFacingError(`${file} is a pickle checkpoint (${why}); it is not opened because loading a pickle runs any code the file contains`, {
    hint: CONVERT_HINT,
    code: 'checkpoint.pickle',
  });
}

async function startsLikePickle(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const prefix = new Uint8Array(4);
    const { bytesRead } = await handle.read(prefix, 0, 4, 0);
    return PICKLE_MAGIC.some((magic) => bytesRead >= magic.length && magic.every((byte, i) => prefix[i] === byte));
  } finally {
    await handle.close();
  }
}

export async function openCheckpointFile(file: string): Promise<SafetensorsFile> {
  if (PICKLE_EXTENSIONS.has(extname(file).toLowerCase())) throw pickleRefusal(file, `a ${extname(file)} file`);
  try {
    if (await startsLikePickle(file)) throw pickleRefusal(file, 'its first bytes are a torch.save zip or pickle');
    return await SafetensorsFile.open(file);
  } catch (error) {
    if (UserFacingError.hasCode(error, SAFETENSORS_FORMAT_PROBLEM)) {
      throw new UserFacingError(error.message, { hint: 're-download the file: it is damaged or was not fully written', code: 'checkpoint.damaged', cause: error });
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserFacingError(`checkpoint not found: ${file}`, { hint: 'check the path', code: 'checkpoint.not_found' });
    }
    throw error;
  }
}

/** Name → stored shape, the input of the planners. */
export function checkpointShapes(file: SafetensorsFile): Map<string, readonly number[]> {
  return new Map(file.tensorNames().map((name) => [name, file.info(name)!.shape]));
}
