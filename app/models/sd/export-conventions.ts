/**
 * The ways two ONNX exports of the same Stable Diffusion pipeline differ (docs/onnxruntime-findings.md "Exported SD
 * pipelines"), and the builder and writer options that reproduce each one, so that the loader can
 * be tested on every layout users bring without downloading gigabytes:
 *
 * - diffusers' scripts/convert_stable_diffusion_checkpoint_to_onnx.py: input_ids int32 (it traces
 *   `input_ids.to(torch.int32)`), timestep [batch] in the export's float type
 *   (`torch.randn(2).to(dtype)`), the UNet's weights in `weights.pb`; `--fp16` makes every weight
 *   and float input/output float16.
 * - optimum 1.x: DummyTimestepInputGenerator drew `random_int_tensor([batch_size])`, so the
 *   timestep is [batch] int64; token ids are int64 (the dummy text inputs' default int_dtype).
 * - current optimum: the dummy timestep has shape [] in the export's float dtype, so a scalar
 *   float32 timestep, or float16 with `--dtype fp16`; weights beyond 2 GiB in `model.onnx_data`.
 *
 * And the scheduler/scheduler_config.json each diffusers scheduler class saves: `save_config`
 * writes every constructor argument, SD pipelines carry their noise schedule (and the SD-only keys
 * clip_sample, set_alpha_to_one, skip_prk_steps) into whichever class they ship, and configs saved
 * by older diffusers (SD 1.5's, SD 2.1's) have no timestep_spacing at all.
 */
import type { TimestepSpacing } from '../../diffusion/schedulers/index.js';
import type { ExternalDataFileName } from '../../onnx/model-io.js';
import type { ClipTextBuildOptions } from './clip-text.js';
import type { FloatType } from './layers/layer-context.js';
import type { UNetBuildOptions } from './unet.js';
import type { VaeBuildOptions } from './vae.js';

export interface ExportConventions {
  /** Every weight and every float input and output of every component. */
  readonly dtype: FloatType;
  readonly inputIdsType: 'int32' | 'int64';
  readonly timestepShape: 'batch' | 'scalar';
  readonly timestepType: 'float32' | 'float16' | 'int64';
  /**
   * null: weights inline in model.onnx. Otherwise the sidecar file that takes every component's
   * weights, however small: real exports split only the UNet (the component beyond protobuf's
   * 2 GiB), splitting all of them puts every loader on the external-data path.
   */
  readonly externalData: ExternalDataFileName | null;
}

/** What the default tiny pipeline is written in (models/tiny-sd): the reference layout. */
export const TINY_SD_CONVENTIONS: ExportConventions = {
  dtype: 'float32',
  inputIdsType: 'int32',
  timestepShape: 'batch',
  timestepType: 'float32',
  externalData: null,
};

export type ExportConventionName = 'diffusers-script' | 'diffusers-script-fp16' | 'optimum-1' | 'optimum' | 'optimum-fp16';

/** The layouts the exporters above produce (see the module comment for the source of each). */
export const EXPORT_CONVENTIONS: Readonly<Record<ExportConventionName, ExportConventions>> = {
  'diffusers-script': { dtype: 'float32', inputIdsType: 'int32', timestepShape: 'batch', timestepType: 'float32', externalData: 'weights.pb' },
  'diffusers-script-fp16': { dtype: 'float16', inputIdsType: 'int32', timestepShape: 'batch', timestepType: 'float16', externalData: 'weights.pb' },
  'optimum-1': { dtype: 'float32', inputIdsType: 'int64', timestepShape: 'batch', timestepType: 'int64', externalData: 'model.onnx_data' },
  optimum: { dtype: 'float32', inputIdsType: 'int64', timestepShape: 'scalar', timestepType: 'float32', externalData: 'model.onnx_data' },
  'optimum-fp16': { dtype: 'float16', inputIdsType: 'int64', timestepShape: 'scalar', timestepType: 'float16', externalData: 'model.onnx_data' },
};

export interface ComponentOptions {
  textEncoder: Pick<ClipTextBuildOptions, 'dtype' | 'inputIdsType'>;
  unet: Pick<UNetBuildOptions, 'dtype' | 'timestepType' | 'timestepShape'>;
  vae: Pick<VaeBuildOptions, 'dtype'>;
  /** writeComponent's options. */
  write: { inlineWeightLimit?: number; externalDataFile?: ExternalDataFileName };
}

/** The builder and writer options that produce `conventions`. */
export function componentOptions(conventions: ExportConventions): ComponentOptions {
  const { dtype } = conventions;
  return {
    textEncoder: { dtype, inputIdsType: conventions.inputIdsType },
    unet: { dtype, timestepType: conventions.timestepType, timestepShape: conventions.timestepShape },
    vae: { dtype },
    // A limit of 0 bytes sends every model with any weights to the sidecar.
    write: conventions.externalData ? { inlineWeightLimit: 0, externalDataFile: conventions.externalData } : {},
  };
}

export type SchedulerClassName = 'DDIMScheduler' | 'EulerDiscreteScheduler' | 'EulerAncestralDiscreteScheduler' | 'DPMSolverMultistepScheduler' | 'PNDMScheduler';

export interface SchedulerConfigChoice {
  predictionType: 'epsilon' | 'v_prediction';
  stepsOffset: number;
  /** null: no timestep_spacing key, as in configs saved before diffusers had it (SD 1.5, SD 2.1). */
  timestepSpacing: TimestepSpacing | null;
}

/** Constructor arguments beyond the noise schedule, at their diffusers defaults, per class. */
const CLASS_KEYS: Record<SchedulerClassName, Record<string, unknown>> = {
  DDIMScheduler: { thresholding: false, dynamic_thresholding_ratio: 0.995, clip_sample_range: 1.0, sample_max_value: 1.0, rescale_betas_zero_snr: false },
  PNDMScheduler: {},
  EulerDiscreteScheduler: {
    interpolation_type: 'linear',
    use_karras_sigmas: false,
    use_exponential_sigmas: false,
    use_beta_sigmas: false,
    sigma_min: null,
    sigma_max: null,
    timestep_type: 'discrete',
    rescale_betas_zero_snr: false,
    final_sigmas_type: 'zero',
  },
  EulerAncestralDiscreteScheduler: { rescale_betas_zero_snr: false },
  DPMSolverMultistepScheduler: {
    solver_order: 2,
    thresholding: false,
    dynamic_thresholding_ratio: 0.995,
    sample_max_value: 1.0,
    algorithm_type: 'dpmsolver++',
    solver_type: 'midpoint',
    lower_order_final: true,
    euler_at_final: false,
    use_karras_sigmas: false,
    use_exponential_sigmas: false,
    use_beta_sigmas: false,
    use_lu_lambdas: false,
    use_flow_sigmas: false,
    flow_shift: 1.0,
    final_sigmas_type: 'zero',
    lambda_min_clipped: Number.NEGATIVE_INFINITY,
    variance_type: null,
    rescale_betas_zero_snr: false,
    use_dynamic_shifting: false,
    time_shift_type: 'exponential',
  },
};

/** scheduler_config.json of an SD pipeline that ships `className`, as diffusers saves it. */
export function diffusersSchedulerConfig(className: SchedulerClassName, choice: SchedulerConfigChoice): Record<string, unknown> {
  return {
    _class_name: className,
    _diffusers_version: '0.33.1',
    num_train_timesteps: 1000,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
    trained_betas: null,
    clip_sample: false,
    set_alpha_to_one: false,
    skip_prk_steps: true,
    prediction_type: choice.predictionType,
    steps_offset: choice.stepsOffset,
    ...(choice.timestepSpacing === null ? {} : { timestep_spacing: choice.timestepSpacing }),
    ...CLASS_KEYS[className],
  };
}

/**
 * The file text, written as Python's json module writes it: non-finite numbers as bare
 * `-Infinity` / `Infinity` / `NaN` (DPMSolverMultistepScheduler's lambda_min_clipped), which
 * JSON.stringify would turn into null.
 */
export function schedulerConfigFileText(config: Record<string, unknown>): string {
  const marker = 'python-non-finite:';
  const text = JSON.stringify(config, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? `${marker}${value}` : value), 2);
  return `${text.replace(new RegExp(`"${marker}(-?Infinity|NaN)"`, 'g'), '$1')}\n`;
}

/** model_index.json as diffusers' OnnxStableDiffusionPipeline.save_pretrained writes it. */
export const onnxPipelineModelIndex = (schedulerClass: string) => ({
  _class_name: 'OnnxStableDiffusionPipeline',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', schedulerClass],
  text_encoder: ['diffusers', 'OnnxRuntimeModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'OnnxRuntimeModel'],
  vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
});

/** model_index.json of an SDXL pipeline exported to ONNX (the diffusers pipeline's own index, as optimum keeps it). */
export const sdxlPipelineModelIndex = (schedulerClass: string) => ({
  _class_name: 'StableDiffusionXLPipeline',
  force_zeros_for_empty_prompt: true,
  scheduler: ['diffusers', schedulerClass],
  text_encoder: ['transformers', 'CLIPTextModel'],
  text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  tokenizer_2: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'UNet2DConditionModel'],
  vae: ['diffusers', 'AutoencoderKL'],
});
