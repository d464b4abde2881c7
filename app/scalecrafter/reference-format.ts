/**
 * Readers for the file formats of the ScaleCrafter reference implementation
 * (GitHub YingqingHe/ScaleCrafter, text2image.py: read_dilate_settings, read_module_list, and
 * the OmegaConf yaml configs). They let the project regenerate its built-in presets from the
 * published files and let users import settings written for the reference.
 */
import type { ConvDilation } from './schedule.js';
import type { ConvName } from './unet-convs.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

export type ReferenceYamlValue = string | number | boolean | null;
/** A flat `key: scalar` map, key order as in the file. */
export type ReferenceYaml = Readonly<Record<string, ReferenceYamlValue>>;

/** A line of a reference settings file that does not parse: the message names the file and line. */
function referenceFormatError(source: string, lineNumber: number, problem: string): UserFacingError {
  return new UserFacingError(`${source}:${lineNumber}: ${problem}`);
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

// YAML 1.1 core scalars as OmegaConf/PyYAML resolve them in the reference configs.
function yamlScalar(raw: string): ReferenceYamlValue {
  if (raw === '~' || raw === 'null' || raw === '') return null;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Parses the reference's config yaml files, which are flat maps of scalars. Anything else
 * (nesting, lists, quoting) is rejected rather than guessed at.
 */
export function parseReferenceConfigYaml(text: string, source: string): ReferenceYaml {
  const entries: Record<string, ReferenceYamlValue> = {};
  lines(text).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*):\s*(.*?)\s*$/.exec(line);
    if (match === null || /^["'[{|>&*!-]/.test(match[2]!)) {
      throw referenceFormatError(source, index + 1, `expected "key: scalar", got "${line}"`);
    }
    if (match[1]! in entries) throw referenceFormatError(source, index + 1, `duplicate key "${match[1]}"`);
    entries[match[1]!] = yamlScalar(match[2]!);
  });
  return entries;
}

/**
 * Parses a dilation settings file: one `module.path:dilation` per line, as read by the
 * reference's read_dilate_settings (split on ':' and Python float()). Blank lines are skipped.
 */
export function parseDilateSettings(text: string, source: string): ConvDilation[] {
  const settings: ConvDilation[] = [];
  lines(text).forEach((line, index) => {
    if (line.trim() === '') return;
    const parts = line.split(':');
    const dilation = parts.length === 2 ? Number(parts[1]!.trim()) : Number.NaN;
    if (parts.length !== 2 || parts[1]!.trim() === '' || !Number.isFinite(dilation)) {
      throw referenceFormatError(source, index + 1, `expected "module.path:dilation", got "${line}"`);
    }
    if (dilation < 1) {
      throw referenceFormatError(source, index + 1, `dilation ${dilation} is below 1; use 1 (off) or more`);
    }
    settings.push({ conv: parts[0]!.trim(), dilation });
  });
  return settings;
}

/** Parses a module list (disperse settings, all_valid_convs.txt): one module path per line. */
export function parseModuleList(text: string): ConvName[] {
  return lines(text)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The reference's published data files, parsed (see app/scalecrafter/reference-presets/). */
export interface ReferenceFiles {
  /** configs/<name>.yaml by name. */
  readonly configs: Readonly<Record<string, ReferenceYaml>>;
  /** `module:dilation` files by path under the reference root (dilate_settings/…, ndcfg_dilate_settings/…). */
  readonly dilationFiles: Readonly<Record<string, readonly ConvDilation[]>>;
  /** Module lists by path (disperse_settings/…, dilate_settings/all_valid_convs.txt). */
  readonly moduleLists: Readonly<Record<string, readonly ConvName[]>>;
}
