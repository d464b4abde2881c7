/**
 * `scalecrafter models import <file.safetensors>`: converts an original single-file checkpoint
 * (SD 1.x / 2.x) into a diffusers-ONNX pipeline folder, with a progress bar (cli-progress) on a
 * terminal and plain stage lines otherwise. Detected family and prediction are printed with the
 * reason; unknown keys are named in a warning.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Command, Option } from 'commander';
import { importCheckpointFile, type CheckpointImportReport, type ImportProgress, type PredictionType } from '../../models/checkpoint/index.js';
import type { ModelFamily } from '../../models/pipeline-folder.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { outputOf, type Output } from '../command-output.js';

interface ImportOptions {
  out?: string;
  unetConfig?: string;
  vaeConfig?: string;
  family?: ModelFamily;
  prediction?: 'epsilon' | 'v';
  fp16?: boolean;
  force?: boolean;
}

async function configFile(file: string | undefined, option: string): Promise<Record<string, unknown> | undefined> {
  if (file === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new UserFacingError(`${option} ${file} cannot be used: ${(error as Error).message}`, { field: option, hint: 'pass the config.json of the diffusers component' });
  }
}

/** A bar over the converted tensors on a terminal, a line per stage otherwise. */
function progressDisplay(output: Output): { update: (progress: ImportProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) {
    let stage = '';
    return {
      update: (progress) => {
        if (progress.stage !== stage) output.err(`${(stage = progress.stage)} …\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar({ format: '{stage} |{bar}| {value}/{total} tensors · ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (progress) => {
      if (!started) bar.start(progress.total, 0, { stage: progress.stage });
      started = true;
      bar.update(progress.done, { stage: progress.stage });
    },
    stop: () => bar.stop(),
  };
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function printReport(output: Output, report: CheckpointImportReport): void {
  output.out(`imported ${report.family} checkpoint into ${report.folder}\n`);
  output.out(`prediction: ${report.prediction.prediction} (${report.prediction.reason})\n`);
  for (const [component, bytes] of Object.entries(report.componentBytes)) output.out(`  ${component}: ${megabytes(bytes)}\n`);
  if (report.leftOver.length > 0) {
    const shown = report.leftOver.slice(0, 20).join(', ');
    output.err(`warning: ${report.leftOver.length} key(s) of the checkpoint map to nothing and were skipped: ${shown}${report.leftOver.length > 20 ? ', …' : ''}\n`);
  }
  if (report.unusedParameters.length > 0) output.err(`warning: ${report.unusedParameters.length} mapped parameter(s) were not used by any graph: ${report.unusedParameters.slice(0, 20).join(', ')}\n`);
}

async function runImport(file: string, options: ImportOptions, command: Command): Promise<void> {
  const output = outputOf(command);
  const display = progressDisplay(output);
  const prediction: PredictionType | undefined = options.prediction === undefined ? undefined : options.prediction === 'v' ? 'v_prediction' : 'epsilon';
  const unetConfig = await configFile(options.unetConfig, '--unet-config');
  const vaeConfig = await configFile(options.vaeConfig, '--vae-config');
  try {
    const report = await importCheckpointFile(file, {
      out: options.out ?? path.join('models', path.basename(file, path.extname(file))),
      dtype: options.fp16 ? 'float16' : 'float32',
      overwrite: options.force === true,
      onProgress: display.update,
      ...(options.family ? { family: options.family } : {}),
      ...(prediction ? { prediction } : {}),
      ...(unetConfig ? { unetConfig } : {}),
      ...(vaeConfig ? { vaeConfig } : {}),
    });
    display.stop();
    printReport(output, report);
  } finally {
    display.stop();
  }
}

export function registerModelsImportCommand(models: Command): void {
  models
    .command('import')
    .description('convert a single-file checkpoint (.safetensors, SD 1.x / 2.x original layout) into a diffusers-ONNX pipeline folder')
    .argument('<file>', 'the checkpoint, e.g. v1-5-pruned-emaonly.safetensors')
    .option('--out <dir>', 'pipeline folder to write (default: models/<file name>)')
    .option('--unet-config <file>', "the UNet's diffusers config.json, instead of the one read off the tensors")
    .option('--vae-config <file>', "the VAE's diffusers config.json, instead of the one read off the tensors")
    .addOption(new Option('--family <family>', 'the model family, instead of the detected one').choices(['sd1', 'sd2', 'sdxl']))
    .addOption(new Option('--prediction <type>', "what the UNet predicts, instead of ComfyUI's rule (docs/checkpoints.md)").choices(['epsilon', 'v']))
    .option('--fp16', 'float16 weights and I/O (half the size; default float32)')
    .option('--force', 'replace the folder if it exists')
    .action((file: string, options: ImportOptions, command: Command) => runImport(file, options, command));
}
