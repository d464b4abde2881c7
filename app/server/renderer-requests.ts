/**
 * What a host (Electron main, the HTTP server) accepts from a UI page before it reaches the engine.
 * The page speaks the engine's channel map with one difference: the host decides where outputs
 * go, so `enqueue` takes no outputDir from the page (a page must not choose where files land).
 * Electron-free and HTTP-free so both hosts share it and tests run it in plain Node.
 */
import { z } from 'zod';
import { engineRequests, runOptionsSchema, type RequestName, type RequestParams } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

const requestNames = Object.keys(engineRequests) as [RequestName, ...RequestName[]];

export const rendererEnqueueParamsSchema = engineRequests.enqueue.params.extend({
  options: runOptionsSchema.omit({ outputDir: true }).strict().default({ executionProvider: 'auto' }),
});

export const rendererRequestSchema = z.object({ name: z.enum(requestNames), params: z.unknown() });

export type CheckedRequest = { [N in RequestName]: { name: N; params: RequestParams<N> } }[RequestName];

export function isRequestName(name: string): name is RequestName {
  return (requestNames as readonly string[]).includes(name);
}

/** Validates a page's request and fills in what the host decides; throws UserFacingError. */
export function checkRendererRequest(payload: unknown, host: { outputDir: string }): CheckedRequest {
  const request = rendererRequestSchema.safeParse(payload);
  if (!request.success) throw new UserFacingError(`malformed engine request from the UI: ${request.error.message}`);
  const { name, params } = request.data;
  if (name === 'enqueue') {
    const parsed = rendererEnqueueParamsSchema.safeParse(params);
    if (!parsed.success) throw new UserFacingError(`bad parameters for "enqueue": ${parsed.error.message}`);
    return { name, params: { ...parsed.data, options: { ...parsed.data.options, outputDir: host.outputDir } } };
  }
  const parsed = engineRequests[name].params.safeParse(params);
  if (!parsed.success) throw new UserFacingError(`bad parameters for "${name}": ${parsed.error.message}`);
  return { name, params: parsed.data } as CheckedRequest;
}
