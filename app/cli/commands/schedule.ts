/**
 * `scalecrafter schedule`: shows what a ScaleCrafter preset does at every sampling step — the
 * dilation of every candidate conv in the guided pass and in the noise-damped base pass.
 *
 *   scalecrafter schedule --list
 *   scalecrafter schedule --preset sd2.1_2048x2048 --steps 30 [--json]
 *   scalecrafter schedule --family sdxl --size 3072x3072       (nearest preset by pixel count)
 *   scalecrafter schedule --workflow my.json [--json]           (what the workflow's Sampler feeds)
 */
import { InvalidArgumentError, type Command } from 'commander';
import { dilationTable, type DilationTable } from '../../scalecrafter/dilation-table.js';
import { MODEL_FAMILIES, nearestPreset, presetByName, SCALECRAFTER_PRESETS, type ModelFamily, type ScaleCrafterPreset } from '../../scalecrafter/presets.js';
import { REFERENCE_STEP_COUNT, stepWindow, type DilationSchedule } from '../../scalecrafter/schedule.js';
import { candidateConvNames } from '../../scalecrafter/unet-convs.js';
import { passBody, renderRows } from './schedule-text.js';
import { workflowScheduleTable, workflowTableJson, workflowTableText } from './schedule-workflow.js';
import { outputOf } from '../command-output.js';

interface ScheduleOptions {
  readonly preset?: string;
  readonly family?: ModelFamily;
  readonly size?: { readonly width: number; readonly height: number };
  readonly steps: number;
  readonly json?: boolean;
  readonly list?: boolean;
  readonly workflow?: string;
  readonly models?: string;
}

function parseSteps(value: string): number {
  const steps = Number(value);
  if (!/^\d+$/.test(value) || steps < 1) throw new InvalidArgumentError('expected a positive integer, e.g. 50');
  return steps;
}

function parseFamily(value: string): ModelFamily {
  if (!(value in MODEL_FAMILIES)) throw new InvalidArgumentError(`expected one of ${Object.keys(MODEL_FAMILIES).join(', ')}`);
  return value as ModelFamily;
}

function parseSize(value: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new InvalidArgumentError('expected WIDTHxHEIGHT in pixels, e.g. 2048x1024');
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}

function listText(): string {
  const header = ['preset', 'family', 'size', 'dilate τ', 'ND-CFG τ', 'progressive', 'variant'];
  const rows = SCALECRAFTER_PRESETS.map((preset) => [
    preset.name,
    MODEL_FAMILIES[preset.family].label,
    `${preset.width}×${preset.height}`,
    String(preset.reference['dilate_tau']),
    String(preset.reference['ndcfg_tau']),
    preset.reference['progressive'] === true ? 'yes' : 'no',
    preset.variant,
  ]);
  return `ScaleCrafter presets (taus out of ${REFERENCE_STEP_COUNT} steps):\n${renderRows([header, ...rows])}\n`;
}

function listJson(): unknown {
  return SCALECRAFTER_PRESETS.map(({ name, family, width, height, variant, reference }) => ({
    name,
    family,
    width,
    height,
    variant,
    reference,
  }));
}

function describeSchedule(schedule: DilationSchedule, steps: number): string {
  if (schedule.kind === 'off') return 'off';
  if (schedule.kind === 'explicit') return `painted per step (${schedule.perStep.length} steps)`;
  const window = stepWindow(schedule.steps, steps);
  if (window.end <= window.first) return `${schedule.kind}, never active at ${steps} steps`;
  return `${schedule.kind}, steps ${window.first}–${window.end - 1} of 0–${steps - 1}`;
}

function passSection(title: string, schedule: DilationSchedule, table: DilationTable, pass: 'main' | 'noiseDampedBase'): string {
  return `${title} (${describeSchedule(schedule, table.steps)}):\n${passBody(table, pass)}`;
}

function presetText(preset: ScaleCrafterPreset, table: DilationTable): string {
  const { schedule } = preset;
  const lines = [
    `${preset.name}: ${MODEL_FAMILIES[preset.family].label}, ${preset.width}×${preset.height}, ${table.steps} steps` +
      (table.steps === REFERENCE_STEP_COUNT ? '' : ` (reference taus out of ${REFERENCE_STEP_COUNT} scaled to ${table.steps})`),
    'Cells: dilation per step range; · = plain conv, off = no base pass (plain CFG), * = dispersed kernel.',
    '',
    passSection('Guided pass, re-dilation', schedule.redilation, table, 'main'),
    '',
    passSection('Noise-damped CFG base pass', schedule.noiseDampedGuidance, table, 'noiseDampedBase'),
  ];
  const dispersion = schedule.dispersion;
  if (dispersion.kind === 'dispersed') {
    const { smallKernelSize: k, largeKernelSize: K, upsampleFactor: s, eta } = dispersion.transform;
    const window = stepWindow(dispersion.steps, table.steps);
    const when = window.end > window.first ? `steps ${window.first}–${window.end - 1} (marked *)` : 'never active';
    lines.push('', `Dispersion ${k}×${k} → ${K}×${K} (s = ${s}, η = ${eta}) of ${dispersion.convs.length} listed convs: ${when}`);
  }
  const ignored = [...new Set(Object.values(table.ignored).flat())];
  if (ignored.length > 0) lines.push('', `Ignored, not in this UNet (as the reference does): ${ignored.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function presetJson(preset: ScaleCrafterPreset, table: DilationTable): unknown {
  return {
    preset: preset.name,
    family: preset.family,
    width: preset.width,
    height: preset.height,
    steps: table.steps,
    convs: table.convs,
    main: table.convs.map((_, conv) => table.perStep.map((controls) => controls.main[conv])),
    noiseDampedBase: table.convs.map((_, conv) => table.perStep.map((controls) => controls.noiseDampedBase?.[conv] ?? null)),
    dispersed: table.convs.map((_, conv) => table.perStep.map((controls) => controls.dispersed[conv])),
    ignored: table.ignored,
  };
}

function choosePreset(command: Command, options: ScheduleOptions): ScaleCrafterPreset | { native: number; family: ModelFamily } {
  if (options.preset !== undefined) {
    return presetByName(options.preset);
  }
  if (options.family === undefined || options.size === undefined) {
    command.error('error: --family and --size go together (e.g. --family sdxl --size 3072x3072)', {
      code: 'scalecrafter.missingOption',
    });
  }
  const choice = nearestPreset(options.family, options.size.width, options.size.height);
  return choice.kind === 'preset' ? choice.preset : { native: choice.nativeSize, family: options.family };
}

export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .description('show the per-step dilation of every candidate conv for a ScaleCrafter preset or a workflow')
    .option('--preset <name>', 'reference preset, e.g. sd2.1_2048x2048 (see --list)')
    .option('--family <family>', 'with --size: model family (sd1.5, sd2.1, sdxl)', parseFamily)
    .option('--size <WxH>', 'with --family: pick the preset with the nearest pixel count', parseSize)
    .option('--steps <n>', 'sampling steps (reference taus are scaled from 50)', parseSteps, REFERENCE_STEP_COUNT)
    .option('--json', 'machine-readable output')
    .option('--list', 'list the presets')
    .option('--workflow <file>', 'the table the workflow\'s Sampler will feed (its MODEL chain, painted schedules included)')
    .option('--models <dir>', 'with --workflow: models folder (default: $SCALECRAFTER_MODELS_DIR or ./models)')
    .action(async (options: ScheduleOptions, command: Command) => {
      const write = outputOf(command).out;
      const json = (value: unknown) => write(`${JSON.stringify(value, null, 2)}\n`);
      if (options.workflow !== undefined) {
        const table = await workflowScheduleTable(options.workflow, options.models);
        write(options.json === true ? `${JSON.stringify(workflowTableJson(options.workflow, table), null, 2)}\n` : workflowTableText(options.workflow, table));
        return;
      }
      if (options.list === true || (options.preset === undefined && options.family === undefined && options.size === undefined)) {
        if (options.json === true) json(listJson());
        else write(listText());
        return;
      }
      const chosen = choosePreset(command, options);
      if ('native' in chosen) {
        if (options.json === true) json({ preset: null, family: chosen.family, nativeSize: chosen.native });
        else write(`${MODEL_FAMILIES[chosen.family].label} at this size is nearest its native ${chosen.native}² resolution: no ScaleCrafter changes.\n`);
        return;
      }
      const table = dilationTable(chosen.schedule, candidateConvNames(MODEL_FAMILIES[chosen.family].layout), options.steps);
      if (options.json === true) json(presetJson(chosen, table));
      else write(presetText(chosen, table));
    });
}
