/**
 * Branded identifiers: a NodeId and a LinkId are both numbers in a workflow file, and a JobId and a
 * ModelId are both strings; branding keeps one from being passed where the other belongs.
 */
declare const brand: unique symbol;
type Brand<T, Name extends string> = T & { readonly [brand]: Name };

export type NodeId = Brand<string, 'NodeId'>;
export type LinkId = Brand<number, 'LinkId'>;
export type JobId = Brand<string, 'JobId'>;
export type ModelId = Brand<string, 'ModelId'>;

/** Node ids are numbers in litegraph files and strings in ComfyUI's API format; the engine keys by string. */
export const nodeId = (id: string | number): NodeId => String(id) as NodeId;
export const linkId = (id: number): LinkId => id as LinkId;
export const jobId = (id: string): JobId => id as JobId;
export const modelId = (id: string): ModelId => id as ModelId;
