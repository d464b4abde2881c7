/**
 * ComfyUI's widget text replacement (its frontend's `applyTextReplacements`, which the Save nodes'
 * `filename_prefix` goes through when a prompt is built, and the text of a PrimitiveNode whose "Run
 * widget replace on values" is set: ComfyUI_frontend `utils/searchAndReplace.ts`,
 * `extensions/core/saveImageExtraOutput.ts`, `extensions/core/widgetInputs.ts`):
 * - `%date:FORMAT%` — the queue time in local time; in FORMAT `yyyy`, `yy`, `MM`/`M`, `dd`/`d`,
 *   `hh`/`h` (0–23), `mm`/`m`, `ss`/`s` are replaced (a doubled letter zero-padded), the rest kept;
 * - `%Node.widget%` — the widget's value on the first node whose search-and-replace name (its
 *   ComfyUI class, else its type) is `Node`, else the first whose title is; characters a file name
 *   cannot hold (`/?<>\:*|"` and control characters) become `_`;
 * - anything else between `%` (ComfyUI's server-side `%width%`, an unknown node) is left as it is.
 * Applied to the prompt a UI workflow (ours or ComfyUI's) becomes; an API-format prompt arrives
 * replaced already, as ComfyUI's server takes it.
 */
import { isPromptLink, type Prompt, type PromptNode, type WidgetValue, type WorkflowNode } from '../protocol/index.js';
import { comfyClassOf, ourInputName } from './comfyui/comfy-origin.js';
import { COMFY_EXPORT_MAP, COMFY_NODE_MAP } from './comfyui/node-map.js';
import type { NodeRegistry } from './node-registry.js';
import type { FlatWorkflow } from './workflow-to-prompt.js';

const FILENAME_WIDGET = 'filename_prefix';

const DATE_PARTS: Record<string, (date: Date) => number> = {
  d: (date) => date.getDate(),
  M: (date) => date.getMonth() + 1,
  h: (date) => date.getHours(),
  m: (date) => date.getMinutes(),
  s: (date) => date.getSeconds(),
};

/** ComfyUI's date format: `yyyy` and `yy`; one or two of d, M, h, m, s (two pads to two digits). */
export function formatDate(format: string, date: Date): string {
  return format.replace(/dd?|MM?|hh?|mm?|ss?|yyy?y?/g, (token) => {
    if (token === 'yy') return String(date.getFullYear()).substring(2);
    if (token === 'yyyy') return String(date.getFullYear());
    const part = DATE_PARTS[token[0]!];
    return part ? String(part(date)).padStart(token.length, '0') : token;
  });
}

/** A node `%Name.widget%` can name: how ComfyUI's frontend would find it, and its widget values. */
export interface ReplacementSource {
  searchName: string;
  title: string;
  widget(name: string): WidgetValue | undefined;
}

export function applyTextReplacements(text: string, sources: readonly ReplacementSource[], now: Date): string {
  return text.replace(/%([^%]+)%/g, (match, inner: string) => {
    const parts = inner.split('.');
    if (parts.length !== 2) return parts[0]!.startsWith('date:') ? formatDate(parts[0]!.substring(5), now) : match;
    const [name, widgetName] = parts as [string, string];
    const node = sources.find((source) => source.searchName === name) ?? sources.find((source) => source.title === name);
    const value = node?.widget(widgetName);
    if (value === undefined) return match;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name cannot hold
    return String(value ?? '').replace(/[/?<>\\:*|"\x00-\x1F\x7F]/g, '_');
  });
}

/** The node behind a prompt entry as ComfyUI's frontend sees it: ComfyUI's class, default title and input names. */
function replacementSource(id: string, prompt: Prompt, node: WorkflowNode, registry: NodeRegistry): ReplacementSource {
  const comfyClass = comfyClassOf(node);
  const comfyTitle = (comfyClass === undefined ? COMFY_EXPORT_MAP.get(node.type) : COMFY_NODE_MAP.get(comfyClass))?.comfyTitle;
  const searchProperty = node.properties['Node name for S&R'];
  return {
    searchName: comfyClass ?? (typeof searchProperty === 'string' ? searchProperty : node.type),
    title: node.title ?? (comfyClass === undefined ? registry.get(node.type)?.schema.displayName : comfyTitle) ?? node.type,
    widget: (name) => {
      const ours = comfyClass === undefined ? name : ourInputName(comfyClass, name);
      const input = prompt[id]?.inputs[ours];
      // A widget fed by a node keeps showing its own value in ComfyUI's frontend; that is what it reads.
      return input === undefined || isPromptLink(input) ? node.widgets[ours] : input;
    },
  };
}

/** The inputs of a prompt entry ComfyUI's frontend runs the replacement on: a Save node's file name, and what a replacing PrimitiveNode feeds. */
function replacedInputs(id: string, inputs: PromptNode['inputs'], flat: FlatWorkflow): string[] {
  const names = [...(flat.textReplaced.get(id) ?? [])];
  if (typeof inputs[FILENAME_WIDGET] === 'string') names.push(FILENAME_WIDGET);
  return names.filter((name) => typeof inputs[name] === 'string' && inputs[name].includes('%'));
}

/** `flat.prompt` with those inputs replaced at `now`. */
export function withTextReplacements(flat: FlatWorkflow, registry: NodeRegistry, now: Date): Prompt {
  const entries = Object.entries(flat.prompt);
  if (!entries.some(([id, entry]) => replacedInputs(id, entry.inputs, flat).length > 0)) return flat.prompt;
  const sources = entries.map(([id]) => replacementSource(id, flat.prompt, flat.sources.get(id)!, registry));
  return Object.fromEntries(
    entries.map(([id, entry]) => {
      const names = replacedInputs(id, entry.inputs, flat);
      if (names.length === 0) return [id, entry];
      const replaced = Object.fromEntries(names.map((name) => [name, applyTextReplacements(entry.inputs[name] as string, sources, now)]));
      return [id, { ...entry, inputs: { ...entry.inputs, ...replaced } }];
    }),
  );
}
