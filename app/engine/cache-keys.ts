/**
 * Cache keys in the manner of ComfyUI's input signatures: a node's key hashes its type, its version,
 * its own literal values and, for each linked input, the key of the node it comes from plus the slot.
 * Two nodes with the same key compute the same outputs, wherever they sit in the graph; changing one
 * widget changes the key of that node and of everything downstream, and of nothing else.
 */
import { createHash } from 'node:crypto';
import { isPromptLink, type Prompt } from '../protocol/index.js';
import type { NodeRegistry } from './node-registry.js';

export function computeCacheKeys(prompt: Prompt, order: readonly string[], registry: NodeRegistry, runNonce: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const id of order) {
    const node = prompt[id]!;
    const definition = registry.get(node.class_type);
    const inputs = Object.keys(node.inputs)
      .sort()
      .map((name) => {
        const value = node.inputs[name];
        return isPromptLink(value) ? [name, 'link', keys.get(value[0]) ?? `missing:${value[0]}`, value[1]] : [name, 'value', value];
      });
    const literals = Object.fromEntries(Object.entries(node.inputs).filter(([, value]) => !isPromptLink(value)));
    const signature = {
      type: node.class_type,
      ...(definition?.fingerprint ? { fingerprint: safeFingerprint(() => definition.fingerprint!(literals as never)) } : {}),
      version: definition?.schema.version ?? node.version ?? 1,
      inputs,
      // A non-idempotent node (a clock, a random draw) must never hit the cache, nor may its dependants.
      ...(definition && !definition.schema.idempotent ? { nonce: `${runNonce}:${id}` } : {}),
    };
    keys.set(id, createHash('sha256').update(JSON.stringify(signature)).digest('hex'));
  }
  return keys;
}

/** A fingerprint that cannot be taken (file missing) still keys the node; execute() then reports the problem. */
function safeFingerprint(take: () => string): string {
  try {
    return take();
  } catch (error) {
    return `unavailable:${error instanceof Error ? error.message : String(error)}`;
  }
}
