/**
 * Where an existing ComfyUI install keeps its models, so a ComfyUI user points the app at it and
 * picks the same files by the same names. Two sources, as ComfyUI itself reads them:
 * - the install's own `models/<kind>/` folders (checkpoints, vae, loras, diffusers, …);
 * - `extra_model_paths.yaml` (ComfyUI's utils/extra_config.py): top-level sections, each with an
 *   optional `base_path` and keys naming a folder kind whose value is one path or several, one per
 *   line (a YAML block scalar). A path joins `base_path` when the section has one; a relative path
 *   in a section without one is relative to the yaml file's folder. `is_default` only orders
 *   ComfyUI's own lists and is skipped. `~` and `$VAR` in `base_path` are expanded as ComfyUI does.
 *   A relative `base_path` is taken relative to the yaml file's folder (ComfyUI resolves it against
 *   its working directory, which a desktop app does not share).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { UserFacingError } from '../protocol/user-facing-error.js';

/** Folder kind ("checkpoints", "vae", …) → absolute folders, in the order ComfyUI searches them. */
export type ModelFolderMap = Map<string, string[]>;

const EXTRA_PATHS_FILE = 'extra_model_paths.yaml';
const SECTION_SETTINGS = new Set(['base_path', 'is_default']);

function expandUserAndVariables(value: string): string {
  const expanded = value.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, bare?: string, braced?: string) => process.env[bare ?? braced ?? ''] ?? whole);
  return expanded === '~' || expanded.startsWith('~/') ? path.join(homedir(), expanded.slice(1)) : expanded;
}

function add(map: ModelFolderMap, kind: string, folder: string): void {
  const folders = map.get(kind) ?? [];
  if (!folders.includes(folder)) folders.push(folder);
  map.set(kind, folders);
}

function parseYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`cannot read ComfyUI's ${file}: ${(error as Error).message}`, { hint: 'check the path given with --comfyui or SCALECRAFTER_COMFYUI_DIR', cause: error });
  }
  try {
    return parse(text);
  } catch (error) {
    throw new UserFacingError(`${file} is not valid YAML: ${(error as Error).message}`, { hint: 'fix the file as ComfyUI\'s extra_model_paths.yaml.example shows', cause: error });
  }
}

/** The folders an extra_model_paths.yaml adds, by kind. */
export function readExtraModelPaths(file: string): ModelFolderMap {
  const config = parseYaml(file);
  const map: ModelFolderMap = new Map();
  if (config === null || config === undefined) return map;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new UserFacingError(`${file} must be a mapping of sections (comfyui:, a111:, …)`, { hint: 'see ComfyUI\'s extra_model_paths.yaml.example' });
  }
  const yamlDir = path.dirname(path.resolve(file));
  for (const [name, section] of Object.entries(config as Record<string, unknown>)) {
    if (section === null || section === undefined) continue;
    if (typeof section !== 'object' || Array.isArray(section)) {
      throw new UserFacingError(`${file}: section "${name}" must map folder kinds to paths`, { hint: 'see ComfyUI\'s extra_model_paths.yaml.example' });
    }
    const entries = section as Record<string, unknown>;
    const basePath = typeof entries.base_path === 'string' ? path.resolve(yamlDir, expandUserAndVariables(entries.base_path)) : null;
    for (const [kind, value] of Object.entries(entries)) {
      if (SECTION_SETTINGS.has(kind)) continue;
      if (typeof value !== 'string') {
        throw new UserFacingError(`${file}: ${name}.${kind} must be a path, or several paths one per line`, { hint: 'write several paths as a block: `checkpoints: |` followed by one indented path per line' });
      }
      for (const line of value.split('\n').map((entry) => entry.trim()).filter((entry) => entry.length > 0)) {
        add(map, kind, path.resolve(basePath ?? yamlDir, line));
      }
    }
  }
  return map;
}

/** A ComfyUI install folder or an extra_model_paths.yaml → the model folders it names, by kind. */
export function comfyuiModelFolders(location: string): ModelFolderMap {
  if (!existsSync(location)) {
    throw new UserFacingError(`the ComfyUI location ${location} does not exist`, { hint: 'give the ComfyUI folder (the one holding models/) or its extra_model_paths.yaml' });
  }
  if (!statSync(location).isDirectory()) return readExtraModelPaths(location);
  const map: ModelFolderMap = new Map();
  const models = path.join(location, 'models');
  if (existsSync(models)) {
    for (const kind of ['checkpoints', 'vae', 'loras', 'diffusers']) add(map, kind, path.join(models, kind));
  }
  const extra = path.join(location, EXTRA_PATHS_FILE);
  if (existsSync(extra)) {
    for (const [kind, folders] of readExtraModelPaths(extra)) for (const folder of folders) add(map, kind, folder);
  }
  return map;
}
