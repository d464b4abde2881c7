/**
 * The TypeScript type each link type carries at run time. Modules that introduce a socket's value
 * (the diffusion runtime gives MODEL, LATENT, …) add it here by declaration merging:
 *
 *   declare module '../engine/socket-values.js' { interface SocketValueMap { LATENT: Latent } }
 *
 * A socket nobody has declared yet is `unknown`, which forces a node to check what it received.
 */
import type { ValueType } from '../protocol/index.js';

export interface SocketValueMap {
  INT: number;
  FLOAT: number;
  STRING: string;
  BOOLEAN: boolean;
}

export type SocketValue<T extends ValueType> = T extends keyof SocketValueMap ? SocketValueMap[T] : unknown;
