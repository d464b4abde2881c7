/** Options the farm commands (`worker`, `batch`) share. */
import { InvalidArgumentError } from 'commander';
import { UserFacingError } from '../protocol/user-facing-error.js';

/** --redis, else $SCALECRAFTER_REDIS_URL: a password in the environment stays out of `ps`. */
export function redisUrlOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = option ?? env.SCALECRAFTER_REDIS_URL;
  if (!url) throw new UserFacingError('no Redis given for the farm', { hint: 'pass --redis rediss://:PASSWORD@host:6380, or set SCALECRAFTER_REDIS_URL' });
  if (!/^rediss?:\/\//.test(url)) throw new UserFacingError("the Redis URL does not start with redis:// or rediss://", { hint: 'write redis://host:6379 (or rediss:// for TLS)' });
  return url;
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  return value;
}
