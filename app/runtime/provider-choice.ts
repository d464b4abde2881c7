/**
 * Which execution provider a pipeline runs on: the user's choice (or `auto`) and then the next one
 * that is actually there, ending with the CPU. Every fallback is recorded with its reason, so the
 * UI and the CLI can say exactly what ran where and why.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { providerUnavailable, installHint, listedBackends, type ExecutionProviderName } from './execution-provider.js';
import type { ExecutionProviderPreference } from '../protocol/index.js';
import { providerProblem } from './provider-self-test.js';

/** The protocol's list of choices (auto, cuda, dml, coreml, webgpu, cpu): one definition for UI, CLI and runtime. */
export type ProviderPreference = ExecutionProviderPreference;

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
    if (candidate === 'cuda' && !cudaProviderInstalled()) {
      // Listed but not installed (the default npm install skips it); trying it only makes ORT log an error.
      skipped.push(`cuda: its libraries are not installed (${installHint('cuda')})`);
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
  throw providerUnavailable('cpu', `no execution provider could be used (${skipped.join('; ')})`);
}

export function describeDecision(preference: ProviderPreference, decision: ProviderDecision): string {
  const fallback = decision.skipped.length > 0 ? ` (asked for ${preference}; skipped ${decision.skipped.join('; ')})` : '';
  return `running on ${decision.provider}${fallback}`;
}

/** onnxruntime-node keeps provider libraries beside its binding, in bin/napi-vN/PLATFORM/ARCH. */
function cudaProviderInstalled(): boolean {
  const packageRoot = path.dirname(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')));
  const library = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  const bin = path.join(packageRoot, 'bin');
  if (!existsSync(bin)) return false;
  return readdirSync(bin).some((napi) => existsSync(path.join(bin, napi, process.platform, process.arch, library)));
}
