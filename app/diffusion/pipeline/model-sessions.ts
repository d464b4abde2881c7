/**
 * The worker's one pool of ONNX Runtime sessions and the execution-provider decision per preference.
 * Module state on purpose: sessions must outlive a node's execute() (that is the point of caching
 * them), and the engine process has one GPU context.
 */
import path from 'node:path';
import type { AppliedLora } from '../../models/lora/lora-merge.js';
import { loraSetTag, lorasFor, modelWithLoras } from '../../models/lora/lora-model.js';
import type { LoraComponent } from '../../models/lora/lora-targets.js';
import type { ExecutionProviderPreference } from '../../protocol/index.js';
import { chooseProvider, describeDecision, type ProviderDecision } from '../../runtime/provider-choice.js';
import { openSession } from '../../runtime/session.js';
import { SessionPool, type SessionLease, type SessionVariant } from '../../runtime/session-pool.js';
import { defaultCacheDir } from '../../scalecrafter/dispersion-cache.js';
import { checkSignature, type ComponentRole } from './model-signature.js';

export const sessionPool = new SessionPool();

const decisions = new Map<ExecutionProviderPreference, Promise<ProviderDecision>>();

export function providerFor(preference: ExecutionProviderPreference): Promise<ProviderDecision> {
  let decision = decisions.get(preference);
  if (!decision) {
    decision = chooseProvider(preference);
    decisions.set(preference, decision);
  }
  return decision;
}

export async function describeProvider(preference: ExecutionProviderPreference): Promise<string> {
  return describeDecision(preference, await providerFor(preference));
}

let activeFolder: string | null = null;

/**
 * Switching models releases the previous model's idle sessions: two SD UNets rarely fit a GPU
 * together. Loading the same folder again keeps everything open.
 */
export async function switchToModelFolder(root: string): Promise<number> {
  if (activeFolder === root) return 0;
  const previous = activeFolder;
  activeFolder = root;
  return previous === null ? 0 : sessionPool.releaseIdle((key) => key.includes(`|${root}`));
}

/** Closes the idle sessions of one folder's files, before those files are rebuilt in place. */
export function releaseFolderSessions(root: string): Promise<number> {
  return sessionPool.releaseIdle((key) => !key.includes(`|${root}${path.sep}`));
}

const LORA_COMPONENTS: Partial<Record<ComponentRole, LoraComponent>> = { unet: 'unet', sdxl_unet: 'unet', text_encoder: 'text_encoder', text_encoder_2: 'text_encoder_2' };

/** The session of the model with the LoRAs that change it merged (lora-model.ts), or null when none do. */
function loraVariant(modelPath: string, role: ComponentRole, loras: readonly AppliedLora[], provider: ProviderDecision['provider']): SessionVariant | null {
  const component = LORA_COMPONENTS[role];
  const applied = component ? lorasFor(component, loras) : [];
  if (!component || applied.length === 0) return null;
  return {
    tag: loraSetTag(applied),
    open: async () => {
      const merged = await modelWithLoras(modelPath, component, applied);
      return openSession(merged.model, { executionProvider: provider, externalDataFolder: merged.folder });
    },
  };
}

/**
 * A lease on the component's session, its signature checked, with `loras` merged into its weights
 * (a new session per LoRA set and strengths; the graph stays the file's). The caller releases it.
 */
export async function leaseComponent(modelPath: string, role: ComponentRole, preference: ExecutionProviderPreference, loras: readonly AppliedLora[] = []): Promise<SessionLease> {
  const { provider } = await providerFor(preference);
  const variant = loraVariant(modelPath, role, loras, provider) ?? undefined;
  // CPU sessions open from ORT's cached optimised graph after the first time (optimized-model-cache.ts).
  const lease = await sessionPool.acquire(modelPath, { executionProvider: provider, optimizedModelCacheDir: path.join(defaultCacheDir(), 'optimized-models') }, variant);
  try {
    checkSignature(lease.session, role);
  } catch (error) {
    lease.release();
    throw error;
  }
  return lease;
}
