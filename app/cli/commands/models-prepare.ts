/**
 * `scalecrafter models prepare <unet.onnx> --out <file>`: makes a UNet ScaleCrafter-capable —
 * every candidate 3×3 conv takes its dilation and dispersion from run-time inputs
 * (docs/scalecrafter-controls.md). Weights are copied once, sidecar to sidecar.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DISPERSION_PARAMS } from '../../scalecrafter/dispersion-transform.js';
import { ATTENTION_SCALE_REWRITE } from '../../scalecrafter/prepare/attention-scale-controls.js';
import { FREEU_REWRITE } from '../../scalecrafter/prepare/freeu-controls.js';
import { convControlsRewrite } from '../../scalecrafter/prepare/prepare-unet.js';
import { prepareUnetFile } from '../../scalecrafter/prepare/prepare-unet-file.js';
import type { PreparedUnetLayout } from '../../scalecrafter/prepare/prepared-unet-format.js';
import { outputOf } from '../command-output.js';

interface PrepareOptions {
  readonly out: string;
  readonly eta: number;
  readonly force?: boolean;
  readonly freeu?: boolean;
  readonly attentionScale?: boolean;
}

function parseEta(value: string): number {
  const eta = Number(value);
  if (value.trim() === '' || !Number.isFinite(eta) || eta <= 0) throw new InvalidArgumentError('expected a number > 0, e.g. 0.05');
  return eta;
}

/** Adds `prepare` under the program's `models` command (creating `models` when it is not there yet). */
export function registerModelsPrepareCommand(program: Command): void {
  const models = program.commands.find((command) => command.name() === 'models')
    ?? program.command('models').description('build, write and prepare models');
  models
    .command('prepare')
    .description('make a UNet ScaleCrafter-capable: every candidate 3×3 conv takes its dilation and dispersion from run-time inputs')
    .argument('<unet>', 'the UNet model.onnx (its external-data sidecar is read from next to it)')
    .requiredOption('--out <file>', 'where to write the prepared model.onnx (weights go to a sidecar next to it when the input has one)')
    .option('--eta <η>', 'η of the dispersed-kernel transform solved into the graph (3×3 → 5×5, s = 2)', parseEta, DEFAULT_DISPERSION_PARAMS.eta)
    .option('--freeu', 'also add the FreeU control input (freeu_factors)')
    .option('--attention-scale', 'also add the Attn-SF control input (attention_logit_scale)')
    .option('--force', 'replace --out if it exists')
    .action(async (unet: string, options: PrepareOptions, command: Command) => {
      const write = outputOf(command).out;
      const rewrites = [
        convControlsRewrite({ ...DEFAULT_DISPERSION_PARAMS, eta: options.eta }),
        ...(options.freeu ? [FREEU_REWRITE] : []),
        ...(options.attentionScale ? [ATTENTION_SCALE_REWRITE] : []),
      ];
      const result = await prepareUnetFile(unet, options.out, rewrites, { overwrite: options.force === true });
      const sidecar = result.externalDataPath ? ` (weights in ${result.externalDataPath})` : '';
      // The conv controls always come first; the optional rewrites follow.
      const [convLayout] = result.layouts as [PreparedUnetLayout, ...unknown[]];
      const count = convLayout.convs.length;
      write(`prepared ${count} conv${count === 1 ? '' : 's'} for ScaleCrafter controls: ${result.modelPath}${sidecar}\n`);
      for (const note of result.notes) write(`${note}\n`);
    });
}
