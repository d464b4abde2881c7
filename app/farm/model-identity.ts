/**
 * A model's identity across machines: a hash of its content, not its name or path, so a worker
 * renders a job only with the very weights the batch was submitted against. A folder kept as
 * safetensors sources builds its ONNX graphs on first use, so for it only the sources count.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineConfig } from '../engine/engine-config.js';
import { resolveModelSource } from '../models/model-source.js';
import { pipelineSourcesOf } from '../models/pipeline-sources.js';
import type { Workflow } from '../protocol/index.js';

export interface ModelIdentity {
  /** What LoadCheckpoint's `model` widget says. */
  name: string;
  /** sha256 over the files' relative paths and bytes. */
  fingerprint: string;
}

/** Built from sources (and rebuilt when they change): not part of what the model is. */
const BUILT_FROM_SOURCES = /\.onnx(\.data|_data)?$|\.onnx-build\.json$/;

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).some((part) => part.startsWith('.')))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function hashFiles(root: string, relativePaths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const relative of relativePaths) {
    hash.update(`${relative}\0`);
    for await (const chunk of createReadStream(path.join(root, relative))) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  return hash.digest('hex');
}

// Hashing gigabytes takes seconds: a worker checks every job, so it remembers files it has hashed.
const remembered = new Map<string, { stamp: string; fingerprint: string }>();

async function fingerprintOf(target: string): Promise<string> {
  const info = await stat(target);
  if (info.isFile()) return remember(target, `${info.size}:${info.mtimeMs}`, () => hashFiles(path.dirname(target), [path.basename(target)]));
  let files = await filesUnder(target);
  if (pipelineSourcesOf(target) !== null) files = files.filter((file) => !BUILT_FROM_SOURCES.test(file));
  const stamps = await Promise.all(files.map(async (file) => {
    const fileInfo = await stat(path.join(target, file));
    return `${file}:${fileInfo.size}:${fileInfo.mtimeMs}`;
  }));
  return remember(target, stamps.join('|'), () => hashFiles(target, files));
}

async function remember(target: string, stamp: string, compute: () => Promise<string>): Promise<string> {
  const known = remembered.get(target);
  if (known?.stamp === stamp) return known.fingerprint;
  const fingerprint = await compute();
  remembered.set(target, { stamp, fingerprint });
  return fingerprint;
}

/** The model names a workflow's LoadCheckpoint nodes use. */
export function modelNamesIn(workflow: Workflow): string[] {
  const names = workflow.nodes.filter((node) => node.type === 'LoadCheckpoint' && node.mode !== 2).map((node) => node.widgets.model);
  return [...new Set(names.filter((name): name is string => typeof name === 'string'))];
}

/** The identity of `name` on this machine, or null when this machine does not have it. */
export async function identifyModel(config: Pick<EngineConfig, 'modelsDir' | 'comfyui'>, name: string): Promise<ModelIdentity | null> {
  let source;
  try {
    source = resolveModelSource(config, name, []);
  } catch {
    return null;
  }
  return { name, fingerprint: await fingerprintOf(source.kind === 'folder' ? source.root : source.file) };
}
