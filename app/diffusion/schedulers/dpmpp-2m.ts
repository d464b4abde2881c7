/**
 * DPM-Solver++(2M) (Lu et al. 2022, "DPM-Solver++", Algorithm 2, multistep second order, midpoint),
 * as current diffusers' DPMSolverMultistepScheduler with algorithm_type "dpmsolver++",
 * solver_order 2, solver_type "midpoint". Latents are variance-preserving: x = α·x0 + s·ε with
 * α = 1/sqrt(1 + σ²), s = σ·α, λ = ln(α/s) = −ln σ.
 *
 *   h = λ_t − λ_s0
 *   first order:  x_t = (s_t/s_s0)·x − α_t(e^(−h) − 1)·D0
 *   second order: x_t = (s_t/s_s0)·x − α_t(e^(−h) − 1)·D0 − ½·α_t(e^(−h) − 1)·D1,
 *                 D0 = x0_s0, D1 = (x0_s0 − x0_s1)/r0, r0 = (λ_s0 − λ_s1)/h
 *
 * First order is used for the first step of a run (no history yet) and for the last step when
 * final_sigmas_type is "zero" or (lower_order_final and N < 15), exactly as diffusers decides.
 * dpm_solver_variant "current" (the default): Karras σ's are used as computed (their timesteps
 * rounded, no de-duplication). "diffusers-0.20", the version the ScaleCrafter reference pins:
 * diffusers 0.20 reads α, σ and λ from the training tables at each integer timestep, so a Karras
 * run steps between the σ's of its *rounded* timesteps, and it drops repeated timesteps — N there
 * is the count left (50 SD steps: 49, timesteps … 2, 1, 1, 0 lose one 1). Without Karras both
 * variants take σ at integer timesteps; 0.20 always ends at t = 0 (final_sigmas_type "sigma_min").
 */
import type { SchedulerConfig } from './scheduler-config.js';
import type { PlannedStep } from './sampling-types.js';
import type { SamplerDescriptor, StepInput, StepUpdate } from './sampler-descriptor.js';
import { karrasSigmas, sigmaAtTimestep, timestepForSigma, type TrainingNoiseSchedule } from './training-schedule.js';
import { dpmSolverTimesteps } from './timestep-spacing.js';
import { roundHalfEven } from './numpy-ranges.js';
import { alphaAndNoiseScale, predictDenoised } from './denoised-prediction.js';
import { samplingArgumentError } from './scheduler-errors.js';
import { diffusersOrComfySchedule, planFromSchedule, validateSchedule } from './sigma-plan.js';
import type { ScheduleName } from './sigma-schedules.js';

/** `karras` = diffusers' use_karras_sigmas; `schedule` = ComfyUI's σ's instead (sigma-plan.ts). */
export interface DpmPlusPlus2mSampler {
  readonly kind: 'dpmpp_2m';
  readonly karras: boolean;
  readonly schedule?: ScheduleName;
}

export const DPMPP_2M: SamplerDescriptor<DpmPlusPlus2mSampler> = {
  name: 'dpmpp_2m',
  label: 'DPM++ 2M',
  comfyName: 'dpmpp_2m',
  parameterization: 'variance_preserving',
  fromWidgets: ({ schedule }) => ({ kind: 'dpmpp_2m', karras: false, ...diffusersOrComfySchedule(schedule, true) }),
  validate: ({ schedule }) => {
    if (schedule !== undefined) validateSchedule(schedule);
  },
  stepNoiseDraws: () => 0,
  plan: (sampler, config, schedule, steps) =>
    sampler.schedule
      ? planFromSchedule(sampler.schedule, schedule, steps, { parameterization: 'variance_preserving' })
      : { steps: planDpmSolverSteps(config, schedule, steps, sampler.karras), initNoiseSigma: 1 },
  step: (_sampler, input) => dpmpp2mStep(input),
};

/** diffusers DPMSolverMultistepScheduler.set_timesteps (lambda_min_clipped = −inf). */
function planDpmSolverSteps(
  config: SchedulerConfig,
  schedule: TrainingNoiseSchedule,
  steps: number,
  karras: boolean,
): PlannedStep[] {
  const spacing = config.timestep_spacing ?? 'linspace';
  let timesteps = dpmSolverTimesteps(config, spacing, steps);
  let sigmas: number[];
  if (karras) {
    // Unlike Euler, the ramp spans the whole training table: σ(T − 1) down to σ(0).
    const table = schedule.sigmas;
    sigmas = karrasSigmas(table[0] as number, table[table.length - 1] as number, steps);
    timesteps = sigmas.map((sigma) => roundHalfEven(timestepForSigma(schedule, sigma)));
    if (config.dpm_solver_variant === 'diffusers-0.20') {
      // Descending, so np.unique's first occurrences are the timesteps that differ from their predecessor.
      timesteps = timesteps.filter((timestep, index) => index === 0 || timestep !== timesteps[index - 1]);
      sigmas = timesteps.map((t) => sigmaAtTimestep(schedule, t));
    }
  } else {
    sigmas = timesteps.map((t) => sigmaAtTimestep(schedule, t));
  }
  const finalSigma = config.final_sigmas_type === 'zero' ? 0 : (schedule.sigmas[0] as number);
  return timesteps.map((timestep, index) => ({
    index,
    timestep,
    sigma: sigmas[index] as number,
    sigmaNext: index + 1 < sigmas.length ? (sigmas[index + 1] as number) : finalSigma,
    inputScale: 1,
  }));
}

function dpmpp2mStep({ plan, state, step, modelOutput }: StepInput): StepUpdate {
  const { config } = plan;
  const x = state.sample;
  const denoised = predictDenoised(config.prediction_type, 'variance_preserving', step.sigma, x, modelOutput);
  // The full schedule's length: the N asked for, or fewer where diffusers 0.20 dropped repeats.
  const scheduleLength = (plan.steps[plan.steps.length - 1] as PlannedStep).index + 1;
  const isLast = step.index === scheduleLength - 1;
  // σ_next = 0 (ComfyUI's σ's, a finished step window) is first order as in k-diffusion: h is infinite there.
  const lowerOrderFinal = step.sigmaNext === 0 || (isLast && ((config.lower_order_final && scheduleLength < 15) || config.final_sigmas_type === 'zero'));
  const previous = state.denoised;
  const previousStep = plan.steps[state.position - 1];

  const target = alphaAndNoiseScale(step.sigmaNext);
  const source = alphaAndNoiseScale(step.sigma);
  // λ = ln α − ln s; at σ_next = 0 this is +∞, h = +∞ and e^(−h) = 0, so x_t = D0 exactly.
  const lambdaT = Math.log(target.alpha) - Math.log(target.noiseScale);
  const lambdaS0 = Math.log(source.alpha) - Math.log(source.noiseScale);
  const h = lambdaT - lambdaS0;
  const sampleScale = target.noiseScale / source.noiseScale;
  const denoisedScale = -target.alpha * (Math.exp(-h) - 1);

  const next = new Float32Array(x.length);
  if (previous === null || lowerOrderFinal) {
    for (let i = 0; i < x.length; i++) next[i] = sampleScale * (x[i] as number) + denoisedScale * (denoised[i] as number);
    return { sample: next, denoised };
  }
  if (previousStep === undefined || previous.length !== x.length) {
    throw samplingArgumentError('state', 'DPM++ 2M history does not match this plan', 'Thread the state returned by each step into the next one, starting from startSampling()');
  }
  const older = alphaAndNoiseScale(previousStep.sigma);
  const lambdaS1 = Math.log(older.alpha) - Math.log(older.noiseScale);
  const r0 = (lambdaS0 - lambdaS1) / h;
  for (let i = 0; i < x.length; i++) {
    const d0 = denoised[i] as number;
    const d1 = (d0 - (previous[i] as number)) / r0;
    next[i] = sampleScale * (x[i] as number) + denoisedScale * d0 + 0.5 * denoisedScale * d1;
  }
  return { sample: next, denoised };
}
