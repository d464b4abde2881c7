/**
 * A prompt as a ComfyUI client posts it ({ "<id>": { class_type, inputs } }), made ready for the
 * engine: node ids that are not numbers ("save_image_websocket_node", "92:3") get numbers, since
 * workflow ids are numbers, and the job remembers which is which so every message names the
 * client's ids; LoadImage names a file of the input folder (ComfyUI's `name [input]` annotation
 * and subfolders included). Any other body (our own workflow file) passes through unchanged.
 */
import { isPromptLink } from '../../protocol/index.js';
import { resolveOutputFile } from '../output-file-path.js';
import { folderFileName, type ComfyFolders } from './comfy-folders.js';

type ApiNode = { class_type: string; inputs: Record<string, unknown>; [key: string]: unknown };

export interface ClientPrompt {
  /** What the engine is asked to run. */
  forEngine: unknown;
  /** The client's node id for each engine node id. */
  clientIds: ReadonlyMap<string, string>;
  /** The class type the client wrote, by the client's node id. */
  classTypes: ReadonlyMap<string, string>;
}

const isApiNode = (value: unknown): value is ApiNode =>
  typeof value === 'object' && value !== null && typeof (value as ApiNode).class_type === 'string' && typeof (value as ApiNode).inputs === 'object' && (value as ApiNode).inputs !== null;

export function isApiPrompt(prompt: unknown): prompt is Record<string, ApiNode> {
  return typeof prompt === 'object' && prompt !== null && !Array.isArray(prompt) && Object.keys(prompt).length > 0 && Object.values(prompt).every(isApiNode);
}

export function prepareClientPrompt(prompt: unknown, folders: ComfyFolders): ClientPrompt {
  if (!isApiPrompt(prompt)) return { forEngine: prompt, clientIds: new Map(), classTypes: new Map() };
  const engineIdOf = engineIds(Object.keys(prompt));
  const forEngine: Record<string, ApiNode> = {};
  for (const [key, node] of Object.entries(prompt)) {
    const inputs = Object.fromEntries(Object.entries(node.inputs).map(([name, value]) => [name, isPromptLink(value) ? [engineIdOf.get(value[0]) ?? value[0], value[1]] : value]));
    if (node.class_type === 'LoadImage' && typeof inputs.image === 'string') inputs.image = inputFilePath(inputs.image, folders);
    forEngine[engineIdOf.get(key)!] = { ...node, inputs };
  }
  return {
    forEngine,
    clientIds: new Map([...engineIdOf].map(([client, engine]) => [engine, client])),
    classTypes: new Map(Object.entries(prompt).map(([key, node]) => [key, node.class_type])),
  };
}

/** Numeric ids keep their number; the others get numbers above the largest, in file order. */
function engineIds(keys: readonly string[]): Map<string, string> {
  const numeric = (key: string) => /^(0|[1-9]\d*)$/.test(key) && Number.isSafeInteger(Number(key));
  let next = Math.max(0, ...keys.filter(numeric).map(Number)) + 1;
  return new Map(keys.map((key) => [key, numeric(key) ? String(Number(key)) : String(next++)]));
}

/** A file of the folder the name's annotation picks (input by default); a name that would leave it stays as written. */
function inputFilePath(name: string, folders: ComfyFolders): string {
  const { filename, type } = folderFileName(name, 'input');
  const found = resolveOutputFile(folders.dirFor(type), filename, '');
  return found.ok ? found.path : name;
}
