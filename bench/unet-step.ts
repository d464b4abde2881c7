/**
 * UNet step time, memory and achieved FLOP/s (issue 7): the SD 1.5-, SD 2.1- or SDXL-architecture
 * UNet with seeded fp16 weights (or a tiny one) at several sizes, in five variants — plain,
 * ScaleCrafter-prepared with every control off, re-dilated (the reference preset for that size),
 * re-dilated with ND-CFG (third pass), dispersed — plus the device's measured fp16 MatMul peak.
 * An SDXL UNet also gets its text_embeds and time_ids; tiny-sdxl has SDXL's conv names, so it runs
 * the real SDXL presets (the smallest, sdxl_2048x2048, at its test sizes).
 *
 *   node --import tsx bench/unet-step.ts [--model sd15|sd21|sdxl|tiny|tiny-sdxl] [--sizes 512,1024] [--device webgpu|cpu]
 *        [--layout NHWC|NCHW] [--iterations 3] [--work DIR] [--out bench/results] [--memory | --profile]
 *
 * One "step" is what a CFG sampler step costs: one UNet call at batch 2 (plus a batch-1 call for
 * ND-CFG). Medians over --iterations after one warm-up; variants alternate round by round.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, hostname, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { preparedUnetFor } from '../app/scalecrafter/prepared-unet-cache.js';
import { buildPresetUNet } from '../app/models/sd/pipeline-builder.js';
import { SD15_CONFIGS, SD21_CONFIGS, SDXL_CONFIGS, tinyPipelineConfigs, tinySdxlPipelineConfigs } from '../app/models/sd/presets.js';
import type { UNetConfigJson } from '../app/models/sd/unet-config.js';
import { unetCost } from '../app/models/sd/flops.js';
import { planUNet } from '../app/models/sd/unet-plan.js';
import { parseUNetConfig } from '../app/models/sd/unet-config.js';
import { writeTinyStableDiffusion } from '../app/models/tiny-sd.js';
import { writeTinyStableDiffusionXL } from '../app/models/tiny-sdxl.js';
import { toFloat16 } from '../app/runtime/float16.js';
import type { HostTensor } from '../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../app/runtime/session.js';
import { profileFileFor, readRunProfiles } from '../app/runtime/session-profile.js';
import { DEFAULT_DISPERSION_PARAMS } from '../app/scalecrafter/dispersion-transform.js';
import { OFF_SCHEDULE } from '../app/scalecrafter/model-patches.js';
import type { PreparedUnet } from '../app/scalecrafter/prepared-unet.js';
import { nearestPreset, presetByName, type ModelFamily } from '../app/scalecrafter/presets.js';
import { measureDevicePeak } from './device-peak.js';
import { GpuMemoryProbe, machineName } from './gpu-probe.js';
import type { ScaleCrafterSchedule } from '../app/scalecrafter/schedule.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'sd15' },
    sizes: { type: 'string', default: '512,1024' },
    device: { type: 'string', default: 'webgpu' },
    layout: { type: 'string', default: 'NHWC' },
    iterations: { type: 'string', default: '3' },
    work: { type: 'string', default: '.cache/bench' },
    out: { type: 'string', default: 'bench/results' },
    'peak-size': { type: 'string' },
    /** Memory mode: one session at a time, a few real ScaleCrafter steps, peak GPU memory only. */
    memory: { type: 'boolean', default: false },
    /** Profile mode: one profiled call per variant, where the time goes (app/runtime/session-profile.ts). */
    profile: { type: 'boolean', default: false },
  },
});
const device = args.device === 'cpu' ? 'cpu' : 'webgpu';
const iterations = Number(args.iterations);
const sizes = args.sizes!.split(',').map(Number);

interface BenchModel {
  readonly description: string;
  readonly unet: UNetConfigJson;
  /** The reference family whose presets it runs; null: the tiny SD rule (every conv dilated). */
  readonly family: ModelFamily | null;
  /** Writes the model's unet/model.onnx under `work`. */
  build(work: string): Promise<unknown>;
  /** The preset below the smallest size class, and the ones whose ND-CFG and dispersion lists every size borrows. */
  readonly fallbackPreset?: string;
  readonly ndcfgPreset?: string;
  readonly dispersePreset?: string;
}

const referenceModel = (family: 'sd1.5' | 'sd2.1', description: string, unet: UNetConfigJson, preset: 'sd15-random' | 'sd21-random'): BenchModel => ({
  description, unet, family,
  build: (work) => buildPresetUNet(preset, { out: work, dtype: 'float16', resolution: 512 }),
  fallbackPreset: `${family}_1024x1024`, ndcfgPreset: `${family}_2048x2048`, dispersePreset: `${family}_2048x2048_disperse`,
});
/** SDXL's presets start at 2048² and only 4096² has ND-CFG and a disperse list. */
const sdxlPresets = { fallbackPreset: 'sdxl_2048x2048', ndcfgPreset: 'sdxl_4096x4096', dispersePreset: 'sdxl_4096x4096_disperse' };
const BENCH_MODELS: Readonly<Record<string, BenchModel>> = {
  sd15: referenceModel('sd1.5', 'SD 1.5 architecture, seeded fp16', SD15_CONFIGS.unet, 'sd15-random'),
  sd21: referenceModel('sd2.1', 'SD 2.1 architecture, seeded fp16', SD21_CONFIGS.unet, 'sd21-random'),
  sdxl: { description: 'SDXL architecture, seeded fp16', unet: SDXL_CONFIGS.unet, family: 'sdxl', build: (work) => buildPresetUNet('sdxl-random', { out: work, dtype: 'float16', resolution: 1024 }), ...sdxlPresets },
  tiny: { description: 'tiny', unet: tinyPipelineConfigs(914).unet, family: null, build: (work) => writeTinyStableDiffusion(work) },
  'tiny-sdxl': { description: 'tiny SDXL, seeded fp32', unet: tinySdxlPipelineConfigs(914).unet, family: 'sdxl', build: (work) => writeTinyStableDiffusionXL(work), ...sdxlPresets },
};
const chosen = BENCH_MODELS[args.model!];
if (!chosen) throw new Error(`--model ${args.model} is not one of ${Object.keys(BENCH_MODELS).join(', ')}`);
const model: BenchModel = chosen;
const tiny = model.family === null;
const options = { executionProvider: device, ...(device === 'webgpu' ? { webgpuLayout: args.layout as 'NHWC' | 'NCHW' } : {}) } as const;

function seeded(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2;
  });
}

function floatInput(session: ModelSession, name: string, dims: number[], seed: number): HostTensor {
  const type = session.inputMetadata.find((input) => input.name === name)!.type;
  const data = seeded(dims.reduce((a, b) => a * b, 1), seed);
  return type === 'float16' ? { type, data: toFloat16(data), dims } : { type: 'float32', data, dims };
}

function unetFeeds(session: ModelSession, batch: number, latent: number, contextWidth: number): Record<string, HostTensor> {
  const timestep = session.inputMetadata.find((input) => input.name === 'timestep')!;
  const t = new Float32Array(timestep.shape.length === 0 ? 1 : batch).fill(981);
  return {
    sample: floatInput(session, 'sample', [batch, 4, latent, latent], 1),
    timestep: timestep.type === 'float16' ? { type: 'float16', data: toFloat16(t), dims: timestep.shape.length === 0 ? [] : [batch] } : { type: 'float32', data: t, dims: timestep.shape.length === 0 ? [] : [batch] },
    encoder_hidden_states: floatInput(session, 'encoder_hidden_states', [batch, 77, contextWidth], 2),
    ...sdxlFeeds(session, batch, latent),
  };
}

/** SDXL's added conditions: a pooled embedding and time_ids for a square image of the latent's size. */
function sdxlFeeds(session: ModelSession, batch: number, latent: number): Record<string, HostTensor> {
  const textEmbeds = session.inputMetadata.find((input) => input.name === 'text_embeds');
  if (!textEmbeds) return {};
  const side = latent * 8;
  const ids = Array.from({ length: batch }, () => [side, side, 0, 0, side, side]).flat();
  const type = session.inputMetadata.find((input) => input.name === 'time_ids')!.type;
  return {
    text_embeds: floatInput(session, 'text_embeds', [batch, Number(textEmbeds.shape[1])], 3),
    time_ids: type === 'float16' ? { type, data: toFloat16(Float32Array.from(ids)), dims: [batch, 6] } : { type: 'float32', data: Float32Array.from(ids), dims: [batch, 6] },
  };
}

/** The reference's settings for this size: its preset, or the nearest one above the native size. */
function scheduleFor(size: number, convs: readonly string[]): { main: ScaleCrafterSchedule; dispersed: ScaleCrafterSchedule } {
  if (tiny) {
    const everyConv = convs.map((conv) => ({ conv, dilation: 2 }));
    const steps = { start: 0, end: 1 };
    const base = { kind: 'constant' as const, convs: convs.filter((conv) => conv.startsWith('mid_block')).map((conv) => ({ conv, dilation: 2 })), steps };
    const main: ScaleCrafterSchedule = { redilation: { kind: 'constant', convs: everyConv, steps }, noiseDampedGuidance: base, dispersion: { kind: 'off' } };
    return { main, dispersed: { ...main, dispersion: { kind: 'dispersed', convs, transform: DEFAULT_DISPERSION_PARAMS, steps } } };
  }
  const choice = nearestPreset(model.family!, size, size);
  const preset = choice.kind === 'preset' ? choice.preset : presetByName(model.fallbackPreset!);
  // ND-CFG only exists in the largest configs: other sizes borrow its base pass to show its cost.
  const ndcfg = preset.schedule.noiseDampedGuidance.kind === 'off' ? presetByName(model.ndcfgPreset!).schedule.noiseDampedGuidance : preset.schedule.noiseDampedGuidance;
  const main = { ...preset.schedule, noiseDampedGuidance: ndcfg };
  const dispersion = presetByName(model.dispersePreset!).schedule.dispersion;
  const dispersed = { ...main, dispersion: dispersion.kind === 'dispersed' ? { ...dispersion, steps: { start: 0, end: 1 } } : dispersion };
  return { main, dispersed };
}

/** Three significant digits: an H100 reaches tens of TFLOP/s, lavapipe (proof runs) thousandths. */
const tflopsText = (tflops: number) => tflops.toPrecision(3);

const modelDescription = () => model.description;

async function timeMedian(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/**
 * The per-step feeds of a schedule, from the prepared UNet that owns them (app/scalecrafter/prepared-unet.ts);
 * FreeU and Attn-SF stay off, as in a ScaleCrafter-only run.
 */
const feedsFor = (prepared: PreparedUnet, schedule: ScaleCrafterSchedule, size: number) =>
  prepared.controlsFor({ schedule, freeU: null, attentionScale: null }, { latentDims: [1, 4, size / 8, size / 8], vaeScaleFactor: 8 });

interface Row {
  size: number;
  variant: string;
  ms: number;
  ratio: number;
  tflops: number;
  peakFraction: number;
  gpuMiB: number | null;
  rssMiB: number;
}

/**
 * Peak GPU memory of sampling with one session loaded, as the app runs it: the plain UNet doing CFG
 * steps, then the prepared UNet doing the first steps of the size's ScaleCrafter preset (re-dilation
 * plus the ND-CFG base pass), each session released before the next opens.
 */
async function measureMemory(unetPath: string, prepared: PreparedUnet, contextWidth: number, probe: GpuMemoryProbe, machine: string): Promise<void> {
  const lines: string[] = [];
  for (const size of sizes) {
    const latent = size / 8;
    const controls = feedsFor(prepared, scheduleFor(size, prepared.convs).main, size);
    for (const kind of ['plain', 'scalecrafter'] as const) {
      probe.resetPeak();
      const session = await openSession(kind === 'plain' ? unetPath : prepared.modelPath, options);
      const guided = unetFeeds(session, 2, latent, contextWidth);
      const base = unetFeeds(session, 1, latent, contextWidth);
      const start = performance.now();
      for (let step = 0; step < iterations; step++) {
        if (kind === 'plain') await session.run(guided);
        else {
          const { main, base: dampedBase } = controls(step, 50);
          await session.run({ ...guided, ...main });
          if (dampedBase) await session.run({ ...base, ...dampedBase });
        }
      }
      const seconds = (performance.now() - start) / 1000 / iterations;
      const line = `| ${size}² | ${kind === 'plain' ? 'plain UNet, CFG' : 'prepared UNet, re-dilation + ND-CFG (preset steps 0…)'} | ${seconds.toFixed(2)} | ${(await probe.settledPeakMiB()) ?? '–'} |`;
      console.log(line);
      lines.push(line);
      await session.release();
    }
  }
  const markdown = `# UNet sampling memory (${modelDescription()}) on ${machine}, ${device}\n\n${new Date().toISOString()} · one session loaded at a time; GPU memory is nvidia-smi's memory.used (whole device) sampled every 50 ms; UNet only (text encoder and VAE not loaded).\n\n| size | what | s / step | peak GPU MiB |\n|---|---|---|---|\n${lines.join('\n')}\n`;
  await mkdir(args.out!, { recursive: true });
  const file = path.join(args.out!, `${machine}-${device}-unet-memory-${args.model}.md`);
  await writeFile(file, markdown);
  console.log(`\n${markdown}\nwrote ${file}`);
}

/**
 * Where a call's time goes, per variant: one warm-up and one profiled call of the plain UNet and of
 * the prepared one with controls off, re-dilated and dispersed (ORT's profiler on; it slows every
 * kernel a little, so compare these rows with each other, not with the timed table).
 */
async function profileVariants(unetPath: string, prepared: PreparedUnet, contextWidth: number, machine: string, work: string): Promise<void> {
  const dir = path.join(work, 'profiles');
  await mkdir(dir, { recursive: true });
  const lines: string[] = [];
  const ms = (value: number) => value.toFixed(1);
  for (const size of sizes) {
    const latent = size / 8;
    const schedules = scheduleFor(size, prepared.convs);
    const sessions: Array<[string, string, Array<[string, Record<string, HostTensor>]>]> = [
      ['plain', unetPath, [['plain', {}]]],
      ['prepared', prepared.modelPath, [
        ['prepared, controls off', feedsFor(prepared, OFF_SCHEDULE, size)(0, 50).main],
        ['re-dilated', feedsFor(prepared, schedules.main, size)(0, 50).main],
        ['dispersed', feedsFor(prepared, schedules.dispersed, size)(0, 50).main],
      ]],
    ];
    for (const [label, modelPath, variants] of sessions) {
      const prefix = path.join(dir, `${machine}-${size}-${label}-${Date.now()}`);
      const session = await openSession(modelPath, { ...options, profileFilePrefix: prefix });
      const guided = unetFeeds(session, 2, latent, contextWidth);
      for (const [, controls] of variants) for (let call = 0; call < 2; call++) await session.run({ ...guided, ...controls });
      await session.release();
      const runs = readRunProfiles(profileFileFor(prefix));
      variants.forEach(([name], index) => {
        const run = runs[2 * index + 1]!;
        const attention = (run.gpuByOp.get('MultiHeadAttention') ?? 0) + (run.gpuByOp.get('Attention') ?? 0);
        const conv = run.gpuByOp.get('Conv') ?? 0;
        const top = [...run.gpuByOp].filter(([op]) => op !== 'Conv' && op !== 'MultiHeadAttention' && op !== 'Attention').sort((a, b) => b[1] - a[1]).slice(0, 3).map(([op, value]) => `${op} ${ms(value)}`).join(', ');
        const line = `| ${size}² | ${name} | ${ms(run.wallMs)} | ${ms(run.gpuKernelMs)} | ${ms(run.gpuIdleMs)} | ${ms(run.hostDispatchMs)} | ${ms(conv - run.weightTransposeMs)} | ${ms(run.weightTransposeMs)} | ${ms(attention)} | ${top} | ${run.nodesRun} | ${run.controlFlowNodesRun} | ${run.deviceToHostCopies} |`;
        console.log(line);
        lines.push(line);
      });
    }
  }
  const markdown = `# Where a UNet call's time goes (${modelDescription()}) on ${machine}, ${device}${device === 'webgpu' ? ` ${args.layout}` : ''}

${new Date().toISOString()} · ONNX Runtime's profiler, one call at batch 2 after a warm-up call. GPU columns are the WebGPU EP's kernel timestamps; "GPU idle" is the part of the call's wall time no kernel covers (dispatch, synchronisation, transfers); "host dispatch" is the main graph executor's host time; conv excludes the run-time transposes of Conv weights (weights read from outside an If branch are not pre-packed at load).

| size | variant | wall ms | GPU kernels ms | GPU idle ms | host dispatch ms | conv ms | conv weight transposes ms | attention ms | next largest ops (ms) | nodes run | control-flow nodes | GPU→host copies |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${lines.join('\n')}
`;
  await mkdir(args.out!, { recursive: true });
  const file = path.join(args.out!, `${machine}-${device}-unet-profile-${args.model}-${sizes.join('-')}.md`);
  await writeFile(file, markdown);
  console.log(`\n${markdown}\nwrote ${file}`);
}

async function main(): Promise<void> {
  const machine = machineName();
  const probe = new GpuMemoryProbe();
  const work = path.resolve(args.work!, args.model!.startsWith('tiny') ? args.model! : `${args.model}-fp16`);
  const unetPath = path.join(work, 'unet', 'model.onnx');
  const buildStart = performance.now();
  if (!existsSync(unetPath)) {
    await mkdir(path.dirname(work), { recursive: true });
    await model.build(work);
  }
  const unetConfig = parseUNetConfig(model.unet);
  const prepared = await preparedUnetFor(unetPath, DEFAULT_DISPERSION_PARAMS, path.join(work, 'cache'));
  console.log(`model ready in ${((performance.now() - buildStart) / 1000).toFixed(1)} s (${unetPath}; prepared ${prepared.modelPath})`);

  if (args.memory || args.profile) {
    if (args.memory) await measureMemory(unetPath, prepared, unetConfig.crossAttentionDim, probe, machine);
    else await profileVariants(unetPath, prepared, unetConfig.crossAttentionDim, machine, work);
    probe.stop();
    return;
  }
  const peakSize = Number(args['peak-size'] ?? (device === 'cpu' ? 512 : 4096));
  const peak = await measureDevicePeak(device, peakSize, device === 'cpu' ? 4 : 16, timeMedian);
  console.log(`measured ${device} ${peak.type} MatMul peak: ${tflopsText(peak.tflops)} TFLOP/s (${peak.chain} × ${peak.size}³)`);

  const plain = await openSession(unetPath, options);
  const scaled = await openSession(prepared.modelPath, options);
  const contextWidth = unetConfig.crossAttentionDim;
  const rows: Row[] = [];
  for (const size of sizes) {
    const latent = size / 8;
    const cost = unetCost(planUNet(unetConfig), { latentHeight: latent, latentWidth: latent });
    const guided = unetFeeds(plain, 2, latent, contextWidth);
    const base = unetFeeds(plain, 1, latent, contextWidth);
    const schedules = scheduleFor(size, prepared.convs);
    const firstStep = feedsFor(prepared, schedules.main, size)(0, 50);
    // Every feed built before timing: the timed closures only run the sessions.
    const feeds = {
      off: { ...guided, ...feedsFor(prepared, OFF_SCHEDULE, size)(0, 50).main },
      redilated: { ...guided, ...firstStep.main },
      dampedBase: { ...base, ...firstStep.base! },
      dispersed: { ...guided, ...feedsFor(prepared, schedules.dispersed, size)(0, 50).main },
    };
    const variants: Array<[string, number, () => Promise<unknown>]> = [
      ['plain', 2, () => plain.run(guided)],
      ['prepared, controls off', 2, () => scaled.run(feeds.off)],
      ['re-dilated', 2, () => scaled.run(feeds.redilated)],
      ['re-dilated + ND-CFG', 3, async () => {
        await scaled.run(feeds.redilated);
        await scaled.run(feeds.dampedBase);
      }],
      ['dispersed', 2, () => scaled.run(feeds.dispersed)],
    ];
    let plainMs = 0;
    for (const [name, samples, run] of variants) {
      probe.resetPeak();
      let rss = process.memoryUsage().rss;
      const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 20);
      const ms = await timeMedian(run);
      clearInterval(sampler);
      if (name === 'plain') plainMs = ms;
      const tflops = (cost.flops * samples) / (ms / 1000) / 1e12;
      const row = { size, variant: name, ms, ratio: ms / plainMs, tflops, peakFraction: tflops / peak.tflops, gpuMiB: await probe.settledPeakMiB(), rssMiB: rss / 2 ** 20 };
      rows.push(row);
      console.log(`${size}² ${name.padEnd(24)} ${ms.toFixed(1).padStart(9)} ms  ×${row.ratio.toFixed(3)}  ${tflopsText(tflops)} TFLOP/s (${(row.peakFraction * 100).toFixed(1)}% of peak)  GPU ${row.gpuMiB ?? '–'} MiB  RSS ${row.rssMiB.toFixed(0)} MiB`);
    }
  }
  await Promise.all([plain.release(), scaled.release()]);
  probe.stop();

  const header = `| size | variant | ms / step | × plain | TFLOP/s | % of measured peak | peak GPU MiB | peak RSS MiB |\n|---|---|---|---|---|---|---|---|`;
  const table = rows.map((row) => `| ${row.size}² | ${row.variant} | ${row.ms.toFixed(1)} | ${row.ratio.toFixed(3)} | ${tflopsText(row.tflops)} | ${(row.peakFraction * 100).toFixed(1)} | ${row.gpuMiB ?? '–'} | ${row.rssMiB.toFixed(0)} |`).join('\n');
  const title = `UNet step (${modelDescription()}) on ${machine}, ${device}${device === 'webgpu' ? ` ${args.layout}` : ''}`;
  const markdown = `# ${title}\n\n${new Date().toISOString()} · host ${hostname()} · ${cpus().length} CPUs · ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM\n\nMeasured MatMul peak (${peak.type}, a chain of ${peak.chain} ${peak.size}³ products): ${tflopsText(peak.tflops)} TFLOP/s. One step = one CFG UNet call at batch 2 (+ a batch-1 base call with ND-CFG); median of ${iterations} after a warm-up.\n\n${header}\n${table}\n`;
  console.log(`\n${markdown}`);
  await mkdir(args.out!, { recursive: true });
  const stem = path.join(args.out!, `${machine}-${device}${device === 'webgpu' ? `-${args.layout}` : ''}-unet-step-${args.model}-${sizes.join("-")}`);
  await writeFile(`${stem}.json`, JSON.stringify({ title, machine, device, layout: args.layout, peak, rows, date: new Date().toISOString() }, null, 2));
  await writeFile(`${stem}.md`, markdown);
  console.log(`wrote ${stem}.json and .md`);
}

await main();
