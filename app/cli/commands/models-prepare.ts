/**
 * `scalecrafter models prepare <unet.onnx> --out <file>`: makes a UNet ScaleCrafter-capable —
 * every candidate 3×3 conv takes its dilation and dispersion from run-time inputs
 * (docs/scalecrafter-controls.md). Weights are copied once, sidecar to sidecar.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DISPERSION_PARAMS } from '../../scalecrafter/dispersion-transform.js';
import { addAttentionScaleControls } from '../../scalecrafter/prepare/attention-scale-controls.js';
import { addFreeUControls } from '../../scalecrafter/prepare/freeu-controls.js';
import { prepareUnetFile } from '../../scalecrafter/prepare/prepare-unet-file.js';

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
      const write = (text: string) => (command.configureOutput().writeOut ?? ((out) => process.stdout.write(out)))(text);
      const result = await prepareUnetFile(unet, options.out, {
        overwrite: options.force === true,
        dispersion: { ...DEFAULT_DISPERSION_PARAMS, eta: options.eta },
        rewrites: [...(options.freeu ? [addFreeUControls] : []), ...(options.attentionScale ? [addAttentionScaleControls] : [])],
      });
      const sidecar = result.externalDataPath ? ` (weights in ${result.externalDataPath})` : '';
      const count = result.layout.convs.length;
      write(`prepared ${count} conv${count === 1 ? '' : 's'} for ScaleCrafter controls: ${result.modelPath}${sidecar}\n`);
      for (const skipped of result.skipped) write(`left as it is: ${skipped.name} (${skipped.reason})\n`);
    });
}
