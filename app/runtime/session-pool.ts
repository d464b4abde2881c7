/**
 * Sessions are expensive (seconds to create, gigabytes held), so each model file is opened once per
 * execution provider and shared. Leases count users; idle sessions are released on request, when a
 * model is switched, or when free memory runs short before another model is opened.
 */
import { statSync } from 'node:fs';
import { freemem } from 'node:os';
import path from 'node:path';
import type { ExecutionProviderName } from './execution-provider.js';
import { openSession, type ModelSession, type OpenSessionOptions } from './session.js';

interface PoolEntry {
  key: string;
  session: Promise<ModelSession>;
  leases: number;
  lastUsed: number;
  /** The model's size on disk: a floor for what its session holds in memory. */
  bytes: number;
}

export interface SessionLease {
  readonly session: ModelSession;
  /** Gives the session back to the pool; it stays open (cached) until evicted. */
  release(): void;
}

/**
 * Another session of the same model file: the same graph with other weights (LoRAs merged,
 * app/models/lora/lora-model.ts). `tag` tells variants apart; `open` opens one.
 */
export interface SessionVariant {
  readonly tag: string;
  open(): Promise<ModelSession>;
}

export class SessionPool {
  readonly #entries = new Map<string, PoolEntry>();

  constructor(private readonly freeMemoryBytes: () => number = freemem) {}

  async acquire(modelPath: string, options: OpenSessionOptions, variant?: SessionVariant): Promise<SessionLease> {
    const plainKey = `${options.executionProvider}|${options.webgpuLayout ?? ''}|${modelPath}`;
    const key = variant ? `${plainKey}|variant:${variant.tag}` : plainKey;
    let entry = this.#entries.get(key);
    if (!entry) {
      const bytes = modelBytes(modelPath);
      // The entry goes in before any await, so concurrent acquires of one model share one open.
      const session = this.#makeRoomFor(bytes, key).then(() => (variant ? variant.open() : openSession(modelPath, options)));
      entry = { key, session, leases: 0, lastUsed: Date.now(), bytes };
      this.#entries.set(key, entry);
      entry.session.catch(() => this.#entries.delete(key));
    }
    entry.leases++;
    entry.lastUsed = Date.now();
    let session: ModelSession;
    try {
      session = await entry.session;
    } catch (error) {
      entry.leases--;
      throw error;
    }
    let released = false;
    const held = entry;
    return {
      session,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        held.lastUsed = Date.now();
      },
    };
  }

  /** Releases every session nobody holds (all of them when `except` is empty). */
  async releaseIdle(except: (key: string) => boolean = () => false): Promise<number> {
    const idle = [...this.#entries.values()].filter((entry) => entry.leases === 0 && !except(entry.key));
    for (const entry of idle) this.#entries.delete(entry.key);
    await Promise.all(idle.map(async (entry) => (await entry.session).release()));
    return idle.length;
  }

  get openCount(): number {
    return this.#entries.size;
  }

  isOpen(modelPath: string, provider: ExecutionProviderName): boolean {
    return [...this.#entries.keys()].some((key) => key.startsWith(`${provider}|`) && key.endsWith(`|${modelPath}`));
  }

  /** Evicts idle sessions, least recently used first, until the new model fits in free memory. */
  async #makeRoomFor(bytes: number, newKey: string): Promise<void> {
    // Opening a session transiently needs about twice the weights (file buffer + arena).
    const needed = bytes * 2;
    const idle = [...this.#entries.values()].filter((entry) => entry.leases === 0 && entry.key !== newKey).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of idle) {
      if (this.freeMemoryBytes() >= needed) return;
      this.#entries.delete(entry.key);
      await (await entry.session).release();
    }
  }
}

function modelBytes(modelPath: string): number {
  let total = 0;
  const directory = path.dirname(modelPath);
  for (const file of new Set([modelPath, path.join(directory, 'model.onnx_data'), path.join(directory, 'weights.pb')])) {
    try {
      total += statSync(file).size;
    } catch {
      // sidecar absent: nothing to add
    }
  }
  return total;
}
