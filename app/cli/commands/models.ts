/**
 * `scalecrafter models …`: write the tiny default pipeline (or its SDXL-architecture sibling),
 * build SD / SDXL-architecture ONNX graphs from diffusers safetensors + config.json, or a
 * full-size seeded SD 1.5 / 2.1 / SDXL UNet; `models import` (models-import.ts) converts a
 * single-file checkpoint.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TINY_SD_FOLDER, TINY_SD_SEED, writeTinyStableDiffusion } from '../../models/tiny-sd.js';
import { outputOf, type Output } from '../command-output.js';
import { registerModelsImportCommand } from './models-import.js';
import { UNET_PRESETS, buildPipelineFromFiles, buildPresetUNet, presetResolution, presetUNetCost, type ComponentFiles, type UNetPreset } from '../../models/sd/pipeline-builder.js';
import type { UNetCost } from '../../models/sd/flops.js';
import { DEFAULT_TINY_SDXL_FOLDER, TINY_SDXL_SEED, writeTinyStableDiffusionXL } from '../../models/tiny-sdxl.js';

interface BuildOptions {
  out: string;
  fp16?: boolean;
  fp32?: boolean;
  preset?: UNetPreset;
  countOnly?: boolean;
  resolution?: number;
  unet?: string;
  config?: string;
  textEncoder?: string;
  textEncoderConfig?: string;
  textEncoder2?: string;
  textEncoder2Config?: string;
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

function printCost(output: Output, cost: UNetCost, resolution: number): void {
  output.out(`parameters: ${formatCount(cost.parameters)}\n`);
  output.out(`FLOPs per UNet evaluation at ${resolution}×${resolution}: ${(cost.flops / 1e9).toFixed(1)} GFLOPs ` +
    `(${((2 * cost.flops) / 1e9).toFixed(1)} GFLOPs per step with classifier-free guidance)\n`);
}

async function runBuild(options: BuildOptions, command: Command): Promise<void> {
  const output = outputOf(command);
  if (options.fp16 && options.fp32) command.error('error: choose one of --fp16 and --fp32');
  if (options.preset) {
    const resolution = options.resolution ?? presetResolution(options.preset);
    if (options.countOnly) {
      printCost(output, presetUNetCost(options.preset, resolution), resolution);
      return;
    }
    const dtype = options.fp32 ? 'float32' : 'float16';
    output.out(`building ${options.preset} UNet (${dtype}, seeded weights) into ${options.out}/unet …\n`);
    const report = await buildPresetUNet(options.preset, { out: options.out, dtype, resolution });
    printCost(output, report.cost, report.resolution);
    return;
  }
  if (options.countOnly) command.error('error: --count-only goes with --preset');
  const unet = componentFiles(command, options.unet, options.config, '--unet', '--config');
  const textEncoder = componentFiles(command, options.textEncoder, options.textEncoderConfig, '--text-encoder', '--text-encoder-config');
  const textEncoder2 = componentFiles(command, options.textEncoder2, options.textEncoder2Config, '--text-encoder-2', '--text-encoder-2-config');
  const vae = componentFiles(command, options.vae, options.vaeConfig, '--vae', '--vae-config');
  if (!unet && !textEncoder && !textEncoder2 && !vae) {
    command.error('error: give --preset, or at least one of --unet/--config, --text-encoder/--text-encoder-config, --text-encoder-2/--text-encoder-2-config, --vae/--vae-config');
  }
  const report = await buildPipelineFromFiles({
    out: options.out,
    dtype: options.fp16 ? 'float16' : 'float32',
    ...(unet ? { unet } : {}),
    ...(textEncoder ? { textEncoder } : {}),
    ...(textEncoder2 ? { textEncoder2 } : {}),
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
    .description('write the tiny default pipeline, or a tiny SDXL-architecture one (seeded weights, diffusers-ONNX layout)')
    .addOption(new Option('--family <family>', 'architecture').choices(['sd', 'sdxl']).default('sd'))
    .option('--out <dir>', `pipeline folder (default ${DEFAULT_TINY_SD_FOLDER}, or ${DEFAULT_TINY_SDXL_FOLDER} with --family sdxl)`)
    .option('--seed <n>', `weight seed (default ${TINY_SD_SEED}, or ${TINY_SDXL_SEED} with --family sdxl)`, nonNegativeSeed)
    .option('--force', 'replace the folder if it exists')
    .action(async (options: { family: 'sd' | 'sdxl'; out?: string; seed?: number; force?: boolean }, command: Command) => {
      const write = options.family === 'sdxl' ? writeTinyStableDiffusionXL : writeTinyStableDiffusion;
      const folder = await write(options.out, { ...(options.seed === undefined ? {} : { seed: options.seed }), overwrite: options.force === true });
      outputOf(command).out(`wrote the tiny ${options.family === 'sdxl' ? 'SDXL ' : ''}pipeline to ${folder}\n`);
    });

  models
    .command('build')
    .description('build ONNX components from diffusers .safetensors + config.json, or a seeded full-size UNet (--preset)')
    .requiredOption('--out <dir>', 'pipeline folder to write components into')
    .option('--unet <file>', 'UNet weights (.safetensors, diffusers names)')
    .option('--config <file>', 'the UNet config.json')
    .option('--text-encoder <file>', 'CLIP text encoder weights (.safetensors)')
    .option('--text-encoder-config <file>', 'the text encoder config.json')
    .option('--text-encoder-2 <file>', 'SDXL\'s second text encoder (CLIPTextModelWithProjection) weights: writes text_encoder_2')
    .option('--text-encoder-2-config <file>', 'its config.json')
    .option('--vae <file>', 'AutoencoderKL weights (.safetensors): writes vae_decoder and vae_encoder')
    .option('--vae-config <file>', 'the VAE config.json')
    .addOption(new Option('--preset <name>', 'seeded full-size UNet instead of files').choices([...UNET_PRESETS]))
    .option('--fp16', 'float16 weights and I/O (the default for --preset)')
    .option('--fp32', 'float32 weights and I/O (the default for files)')
    .option('--count-only', 'with --preset: print its parameter count and FLOPs without building it')
    .option('--resolution <px>', 'image side for the FLOP count printed with --preset (default: the preset\'s native size, 1024 for sdxl-random)', positiveMultipleOf8)
    .action((options: BuildOptions, command: Command) => runBuild(options, command));

  registerModelsImportCommand(models);
}
