/**
 * A render farm's sweep file: which widget values to vary, as data. Every combination (the
 * cartesian product of the lists) becomes one job; each is a list of `--set` overrides, so a sweep
 * reaches exactly the fields `scalecrafter run --set` does and is validated the same way.
 */
import { z } from 'zod';
import type { WidgetOverride, Workflow } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

const widgetValueSchema = z.union([z.number(), z.string(), z.boolean()]);
const sizeSchema = z.string().regex(/^\d+x\d+$/, 'a size is "WIDTHxHEIGHT", e.g. "64x64"');

export const sweepSchema = z
  .object({
    /** Set on every node that has a `seed` widget. */
    seeds: z.array(z.number().int().nonnegative()).min(1).optional(),
    /** Set on every node that has both `width` and `height` widgets (the latent and a preset alike). */
    sizes: z.array(sizeSchema).min(1).optional(),
    /** "NODE_ID.FIELD": values, e.g. {"2.text": ["a cat", "a dog"], "9.family": ["sd1.5", "sd2.1"]}. */
    set: z.record(z.string().regex(/^[^.\s]+\.[^\s]+$/, 'a key is "NODE_ID.FIELD", e.g. "2.text"'), z.array(widgetValueSchema).min(1)).default({}),
  })
  .strict();
export type Sweep = z.infer<typeof sweepSchema>;

export interface Combination {
  /** 0-based position in the sweep's fixed order: the job's name and id are derived from it. */
  index: number;
  overrides: WidgetOverride[];
}

/** Parses a sweep file's JSON; every problem is named by its path in the file. */
export function parseSweep(json: unknown, file: string): Sweep {
  const parsed = sweepSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
  throw new UserFacingError(`${file} is not a valid sweep: ${problems}`, {
    hint: 'a sweep is {"seeds": [1, 2], "sizes": ["64x64"], "set": {"NODE_ID.FIELD": [values…]}} (docs/farm.md)',
  });
}

/** One axis per sweep entry; each value of an axis is the overrides it stands for. */
function axesOf(sweep: Sweep, workflow: Workflow): WidgetOverride[][][] {
  const nodesWith = (...fields: string[]) => workflow.nodes.filter((node) => fields.every((field) => field in node.widgets)).map((node) => String(node.id));
  const axes: WidgetOverride[][][] = [];
  if (sweep.seeds) {
    const targets = requireTargets(nodesWith('seed'), 'seeds', 'a "seed" widget');
    axes.push(sweep.seeds.map((seed) => targets.map((nodeId) => ({ nodeId, field: 'seed', value: seed }))));
  }
  if (sweep.sizes) {
    const targets = requireTargets(nodesWith('width', 'height'), 'sizes', '"width" and "height" widgets');
    axes.push(sweep.sizes.map((size) => {
      const [width, height] = size.split('x').map(Number) as [number, number];
      return targets.flatMap((nodeId) => [{ nodeId, field: 'width', value: width }, { nodeId, field: 'height', value: height }]);
    }));
  }
  for (const [key, values] of Object.entries(sweep.set)) {
    const dot = key.indexOf('.');
    const nodeId = key.slice(0, dot);
    const field = key.slice(dot + 1);
    axes.push(values.map((value) => [{ nodeId, field, value }]));
  }
  return axes;
}

function requireTargets(nodeIds: string[], key: string, what: string): string[] {
  if (nodeIds.length > 0) return nodeIds;
  throw new UserFacingError(`the sweep's "${key}" has nothing to set: no node in the workflow has ${what}`, { hint: `remove "${key}", or name the field under "set"` });
}

/** The cartesian product, first axis slowest; a sweep with no axes is the workflow once. */
export function expandSweep(sweep: Sweep, workflow: Workflow): Combination[] {
  let combinations: WidgetOverride[][] = [[]];
  for (const axis of axesOf(sweep, workflow)) {
    combinations = combinations.flatMap((prefix) => axis.map((overrides) => [...prefix, ...overrides]));
  }
  return combinations.map((overrides, index) => ({ index, overrides }));
}
