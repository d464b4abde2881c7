/**
 * The "Render on farm" dialog's sweep as the user types it — seeds as a list or range, sizes,
 * prompts per TextEncode node, preset choices per ScaleCrafterPreset widget — turned into the sweep
 * `scalecrafter batch` reads (docs/farm.md), with its job count. DOM-free so it is tested in Node;
 * the server checks the sweep again against the workflow.
 */
import type { NodeSchema, Workflow } from '../../../app/protocol/index.js';

export interface SweepForm {
  /** "1, 2, 5-8" */
  seeds: string;
  /** "1024x1024, 2048x2048" */
  sizes: string;
  /** By TextEncode node id: one prompt per line; empty keeps the node's text. */
  prompts: Record<string, string>;
  /** By "NODE_ID.FIELD" of a preset's choice widget: the options ticked; none keeps the node's value. */
  presets: Record<string, string[]>;
}

export interface Sweep {
  seeds?: number[];
  sizes?: string[];
  set: Record<string, Array<string | number | boolean>>;
}

export type SweepBuild = { ok: true; sweep: Sweep; jobs: number } | { ok: false; problem: string; input: 'seeds' | 'sizes' };

/** Enough for any farm; a typo such as "1-1000000" is caught before it becomes a million jobs. */
const MAX_SEEDS = 10_000;

export function buildSweep(form: SweepForm): SweepBuild {
  const seeds = parseSeeds(form.seeds);
  if (typeof seeds === 'string') return { ok: false, problem: seeds, input: 'seeds' };
  const sizes = parseSizes(form.sizes);
  if (typeof sizes === 'string') return { ok: false, problem: sizes, input: 'sizes' };
  const set: Sweep['set'] = {};
  for (const [nodeId, text] of Object.entries(form.prompts)) {
    const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    if (lines.length > 0) set[`${nodeId}.text`] = lines;
  }
  for (const [key, values] of Object.entries(form.presets)) if (values.length > 0) set[key] = [...values];
  const sweep: Sweep = { ...(seeds.length > 0 ? { seeds } : {}), ...(sizes.length > 0 ? { sizes } : {}), set };
  const axes = [seeds.length, sizes.length, ...Object.values(set).map((values) => values.length)].filter((length) => length > 0);
  return { ok: true, sweep, jobs: axes.reduce((product, length) => product * length, 1) };
}

const tokens = (text: string) => text.split(/[\s,;]+/).filter((token) => token !== '');

/** The seeds in order, or what is wrong with the text. */
export function parseSeeds(text: string): number[] | string {
  const seeds: number[] = [];
  for (const token of tokens(text)) {
    const range = /^(\d+)-(\d+)$/.exec(token);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(token), Number(token)];
    if (!/^\d+(-\d+)?$/.test(token) || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return `"${token}" is not a seed: write whole numbers such as "1, 2, 3" or a range such as "1-8"`;
    if (to < from) return `the range "${token}" runs backwards: write the smaller seed first`;
    if (seeds.length + to - from + 1 > MAX_SEEDS) return `more than ${MAX_SEEDS} seeds: split the sweep into several batches`;
    for (let seed = from; seed <= to; seed += 1) seeds.push(seed);
  }
  return seeds;
}

/** "WIDTHxHEIGHT" sizes, or what is wrong with the text. */
export function parseSizes(text: string): string[] | string {
  const sizes: string[] = [];
  for (const token of tokens(text)) {
    const size = /^(\d+)[x×](\d+)$/i.exec(token);
    if (!size) return `"${token}" is not a size: write WIDTHxHEIGHT, such as "1024x1024"`;
    sizes.push(`${Number(size[1])}x${Number(size[2])}`);
  }
  return sizes;
}

export interface SweepTargets {
  /** TextEncode nodes, whose prompts the sweep may vary. */
  prompts: { nodeId: string; title: string; text: string }[];
  /** Choice widgets of ScaleCrafterPreset nodes. */
  presets: { key: string; title: string; options: readonly string[]; current: string }[];
}

/** What the dialog offers for this workflow: its prompt nodes and its presets' choices. */
export function sweepTargets(workflow: Workflow, schemas: readonly NodeSchema[]): SweepTargets {
  const live = workflow.nodes.filter((node) => node.mode !== 2 && node.mode !== 4);
  const titleOf = (node: Workflow['nodes'][number]) => `${node.title ?? node.type} (node ${node.id})`;
  const prompts = live
    .filter((node) => node.type === 'TextEncode' && typeof node.widgets.text === 'string')
    .map((node) => ({ nodeId: String(node.id), title: titleOf(node), text: String(node.widgets.text) }));
  const presetSchema = schemas.find((schema) => schema.type === 'ScaleCrafterPreset');
  const choices = presetSchema?.inputs.flatMap((input) => (input.kind === 'COMBO' ? [input] : [])) ?? [];
  const presets = live
    .filter((node) => node.type === 'ScaleCrafterPreset')
    .flatMap((node) => choices.map((choice) => ({ key: `${node.id}.${choice.name}`, title: `${titleOf(node)} ${choice.name}`, options: choice.options, current: String(node.widgets[choice.name] ?? '') })));
  return { prompts, presets };
}
