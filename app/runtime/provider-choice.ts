/**
 * Which execution provider a pipeline runs on: the user's choice (or `auto`) and then the next one
 * that is actually there, ending with the CPU. Every fallback is recorded with its reason, so the
 * UI and the CLI can say exactly what ran where and why.
 */
import { ExecutionProviderUnavailableError, listedBackends, type ExecutionProviderName } from './execution-provider.js';
import { providerProblem } from './provider-self-test.js';

export type ProviderPreference = ExecutionProviderName | 'auto';
export const PROVIDER_PREFERENCES: readonly ProviderPreference[] = ['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

/** GPU EPs first (vendor-specific ones are faster where present), WebGPU everywhere, CPU last. */
const FALLBACK_ORDER: readonly ExecutionProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

export interface ProviderDecision {
  provider: ExecutionProviderName;
  /** One line per provider skipped on the way, e.g. "cuda: not in this onnxruntime-node build". */
  skipped: string[];
}

export function candidateProviders(preference: ProviderPreference): ExecutionProviderName[] {
  if (preference === 'auto') return [...FALLBACK_ORDER];
  return [preference, ...FALLBACK_ORDER.slice(FALLBACK_ORDER.indexOf(preference) + 1).filter((name) => name === 'webgpu' || name === 'cpu')];
}

/** The first candidate this build offers that opens a session and passes the attention self-check. */
export async function chooseProvider(preference: ProviderPreference): Promise<ProviderDecision> {
  const listed = listedBackends();
  const skipped: string[] = [];
  for (const candidate of candidateProviders(preference)) {
    if (!listed.includes(candidate)) {
      skipped.push(`${candidate}: not in this onnxruntime-node build`);
      continue;
    }
    const problem = await providerProblem(candidate);
    if (problem) {
      skipped.push(`${candidate}: ${problem}`);
      continue;
    }
    return { provider: candidate, skipped };
  }
  // The CPU EP is always bundled; reaching here means onnxruntime-node itself is broken.
  throw new ExecutionProviderUnavailableError('cpu', `no execution provider could be used (${skipped.join('; ')})`);
}

export function describeDecision(preference: ProviderPreference, decision: ProviderDecision): string {
  const fallback = decision.skipped.length > 0 ? ` (asked for ${preference}; skipped ${decision.skipped.join('; ')})` : '';
  return `running on ${decision.provider}${fallback}`;
}
