/**
 * `scalecrafter models …`: write the tiny default pipeline, build SD-architecture ONNX graphs
 * from diffusers safetensors + config.json, or a full-size seeded SD 1.5 / 2.1 UNet; `models import`
 * (models-import.ts) converts a single-file checkpoint.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TINY_SD_FOLDER, TINY_SD_SEED, writeTinyStableDiffusion } from '../../models/tiny-sd.js';
import { outputOf, reportingInputErrors } from '../command-output.js';
import { registerModelsImportCommand } from './models-import.js';
import { UNET_PRESETS, buildPipelineFromFiles, buildPresetUNet, type ComponentFiles, type UNetPreset } from '../../models/sd/pipeline-builder.js';

interface BuildOptions {
  out: string;
  fp16?: boolean;
  fp32?: boolean;
  preset?: UNetPreset;
  resolution: number;
  unet?: string;
  config?: string;
  textEncoder?: string;
  textEncoderConfig?: string;
  vae?: string;
  vaeConfig?: string;
}

function positiveMultipleOf8(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 64 || parsed % 8 !== 0) throw new InvalidArgumentError('needs an integer ≥ 64 divisible by 8 (the VAE factor)');
  return parsed;
}

function nonNegativeSeed(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 0xffffffff) throw new InvalidArgumentError('needs an integer in [0, 2^32)');
  return parsed;
}

/** Pairs a weights option with its config option; both or neither. */
function componentFiles(command: Command, weights: string | undefined, config: string | undefined, weightsFlag: string, configFlag: string): ComponentFiles | undefined {
  if (weights === undefined && config === undefined) return undefined;
  if (weights === undefined || config === undefined) {
    return command.error(`error: ${weightsFlag} and ${configFlag} go together: give the .safetensors file and the config.json next to it`);
  }
  return { weights, config };
}

const formatCount = (n: number) => n.toLocaleString('en-US');

async function runBuild(options: BuildOptions, command: Command): Promise<void> {
  const output = outputOf(command);
  if (options.fp16 && options.fp32) command.error('error: choose one of --fp16 and --fp32');
  if (options.preset) {
    const dtype = options.fp32 ? 'float32' : 'float16';
    output.out(`building ${options.preset} UNet (${dtype}, seeded weights) into ${options.out}/unet …\n`);
    const report = await buildPresetUNet(options.preset, { out: options.out, dtype, resolution: options.resolution });
    output.out(`parameters: ${formatCount(report.cost.parameters)}\n`);
    output.out(`FLOPs per UNet evaluation at ${report.resolution}×${report.resolution}: ${(report.cost.flops / 1e9).toFixed(1)} GFLOPs ` +
      `(${((2 * report.cost.flops) / 1e9).toFixed(1)} GFLOPs per step with classifier-free guidance)\n`);
    return;
  }
  const unet = componentFiles(command, options.unet, options.config, '--unet', '--config');
  const textEncoder = componentFiles(command, options.textEncoder, options.textEncoderConfig, '--text-encoder', '--text-encoder-config');
  const vae = componentFiles(command, options.vae, options.vaeConfig, '--vae', '--vae-config');
  if (!unet && !textEncoder && !vae) command.error('error: give --preset, or at least one of --unet/--config, --text-encoder/--text-encoder-config, --vae/--vae-config');
  const report = await buildPipelineFromFiles({
    out: options.out,
    dtype: options.fp16 ? 'float16' : 'float32',
    ...(unet ? { unet } : {}),
    ...(textEncoder ? { textEncoder } : {}),
    ...(vae ? { vae } : {}),
  });
  output.out(`wrote ${report.written.join(', ')} into ${options.out}\n`);
  for (const { file, tensors } of report.unexpectedTensors) {
    output.err(`warning: ${tensors.length} tensor(s) in ${file} were not used (another architecture or key layout?): ${tensors.slice(0, 20).join(', ')}${tensors.length > 20 ? ', …' : ''}\n`);
  }
}

export function registerModelsCommand(program: Command): void {
  const models = program.command('models').description('write the tiny default model, or build SD-architecture ONNX models');

  models
    .command('tiny')
    .description('write the tiny default pipeline (seeded weights, diffusers-ONNX layout)')
    .option('--out <dir>', 'pipeline folder', DEFAULT_TINY_SD_FOLDER)
    .option('--seed <n>', 'weight seed', nonNegativeSeed, TINY_SD_SEED)
    .option('--force', 'replace the folder if it exists')
    .action((options: { out: string; seed: number; force?: boolean }, command: Command) =>
      reportingInputErrors(command, async () => {
        const folder = await writeTinyStableDiffusion(options.out, { seed: options.seed, overwrite: options.force === true });
        outputOf(command).out(`wrote the tiny pipeline to ${folder}\n`);
      }));

  models
    .command('build')
    .description('build ONNX components from diffusers .safetensors + config.json, or a seeded full-size UNet (--preset)')
    .requiredOption('--out <dir>', 'pipeline folder to write components into')
    .option('--unet <file>', 'UNet weights (.safetensors, diffusers names)')
    .option('--config <file>', 'the UNet config.json')
    .option('--text-encoder <file>', 'CLIP text encoder weights (.safetensors)')
    .option('--text-encoder-config <file>', 'the text encoder config.json')
    .option('--vae <file>', 'AutoencoderKL weights (.safetensors): writes vae_decoder and vae_encoder')
    .option('--vae-config <file>', 'the VAE config.json')
    .addOption(new Option('--preset <name>', 'seeded full-size UNet instead of files').choices([...UNET_PRESETS]))
    .option('--fp16', 'float16 weights and I/O (the default for --preset)')
    .option('--fp32', 'float32 weights and I/O (the default for files)')
    .option('--resolution <px>', 'image side for the FLOP count printed with --preset', positiveMultipleOf8, 512)
    .action((options: BuildOptions, command: Command) => reportingInputErrors(command, () => runBuild(options, command)));

  registerModelsImportCommand(models);
}
