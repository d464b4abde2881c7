/**
 * The sampler nodes' scheduler widget: evenly spaced timesteps ("normal") or Karras σ's, which only
 * some samplers offer; checked before the run so the widget is marked at once.
 */
import { KARRAS_SAMPLER_NAMES } from './sampler-registry.js';

export const SCHEDULE_NAMES = ['normal', 'karras'] as const;

export function karrasProblems(sampler: string | undefined, scheduler: string | undefined): Array<{ field: string; message: string; hint: string }> {
  if (scheduler !== 'karras' || sampler === undefined || (KARRAS_SAMPLER_NAMES as readonly string[]).includes(sampler)) return [];
  return [{ field: 'scheduler', message: `karras sigmas are not available with ${sampler}`, hint: `use normal, or the ${KARRAS_SAMPLER_NAMES.join(' or ')} sampler` }];
}
