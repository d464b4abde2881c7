/**
 * Writes models/emoji-pixel-32 from a training run: float16 weights, configs, tokenizer, DDIM
 * scheduler and the pixel-space identity VAE's configs (emoji-model-folder.ts). LoadCheckpoint
 * builds the ONNX graphs from them on first use.
 *   node --import tsx tools/train/pack-model.ts [--run .cache/train/full] [--tokenizer .cache/train/data/tokenizer] [--out models/emoji-pixel-32]
 */
import { parseArgs } from 'node:util';
import { PackError, packModelFolder } from './emoji-model-folder.js';

const { values: args } = parseArgs({
  options: {
    run: { type: 'string', default: '.cache/train/full' },
    tokenizer: { type: 'string', default: '.cache/train/data/tokenizer' },
    out: { type: 'string', default: 'models/emoji-pixel-32' },
  },
});

try {
  const report = await packModelFolder({ run: args.run!, tokenizer: args.tokenizer!, out: args.out! });
  process.stdout.write(
    `wrote ${report.out}: ${report.tensors} tensors, ${(report.weightBytes / 1e6).toFixed(1)} MB of float16 weights` +
      `${report.step === undefined ? '' : ` from training step ${report.step}`}\n`,
  );
} catch (error) {
  if (!(error instanceof PackError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exitCode = 1;
}
