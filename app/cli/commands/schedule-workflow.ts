/**
 * `scalecrafter schedule --workflow F`: the dilation table a workflow's Sampler will feed — the
 * engine's own `scheduleTable` reply for the node on the Sampler's MODEL input, so the CLI, the
 * schedule editor and the run read the same cells (a PaintedSchedule node's, a ReDilate's, …).
 */
import path from 'node:path';
import { EngineClient } from '../../engine/engine-client.js';
import { UserFacingError, type ScheduleTable, type Workflow } from '../../protocol/index.js';
import type { DilationTable } from '../../scalecrafter/dilation-table.js';
import { readWorkflowFile } from '../workflow-file.js';
import { passBody } from './schedule-text.js';

export interface WorkflowTable {
  readonly samplerId: string;
  readonly table: ScheduleTable;
}

/** The node feeding the (first) Sampler's MODEL input: where the whole patch chain has been applied. */
function samplerModelSource(workflow: Workflow, file: string): { samplerId: string; sourceId: string } {
  const sampler = workflow.nodes.find((node) => node.type === 'Sampler' && node.mode === 0);
  const linkId = sampler?.inputs.find((input) => input.name === 'model')?.link;
  const link = workflow.links.find((candidate) => candidate.id === linkId);
  if (!sampler || !link) throw new UserFacingError(`${file} has no active Sampler with a MODEL link`, { hint: 'connect a model to a Sampler node' });
  return { samplerId: String(sampler.id), sourceId: String(link.origin_id) };
}

export async function workflowScheduleTable(file: string, models: string | undefined): Promise<WorkflowTable> {
  const read = await readWorkflowFile(file);
  if (!read.ok) throw new UserFacingError(read.issues.map((issue) => issue.message).join('; '), { field: '--workflow' });
  const engine = await EngineClient.start(models ? { modelsDir: path.resolve(models) } : {});
  try {
    const loaded = await engine.request('loadWorkflow', { workflow: read.json });
    if (!loaded.ok) throw new UserFacingError(`${file} cannot be read: ${loaded.issues.map((issue) => issue.message).join('; ')}`, { field: '--workflow' });
    const { samplerId, sourceId } = samplerModelSource(loaded.workflow, file);
    const result = await engine.request('scheduleTable', { workflow: loaded.workflow, nodeId: sourceId });
    if (!result.ok) {
      const [first] = result.issues;
      throw new UserFacingError(`${file}: ${result.issues.map((issue) => `${issue.nodeType ? `${issue.nodeType} #${issue.nodeId}` : 'workflow'}${issue.field ? `.${issue.field}` : ''}: ${issue.message}`).join('; ')}`, { hint: first?.hint });
    }
    return { samplerId, table: result.table };
  } finally {
    await engine.close();
  }
}

/** The reply as the CLI's table rows (per step) for the text renderer shared with --preset. */
function asDilationTable(table: ScheduleTable): DilationTable {
  return {
    steps: table.steps,
    convs: table.convs,
    ignored: { redilation: table.ignored, noiseDampedGuidance: [], dispersion: [] },
    perStep: table.main.map((main, step) => ({ step, main, noiseDampedBase: table.noiseDampedBase[step] ?? null, dispersed: table.dispersed[step]! })),
  };
}

export function workflowTableJson(file: string, { samplerId, table }: WorkflowTable): unknown {
  const byConv = <T>(grid: readonly (readonly T[] | null)[]) => table.convs.map((_, conv) => grid.map((row) => row?.[conv] ?? null));
  return {
    workflow: file,
    sampler: samplerId,
    node: table.nodeId,
    steps: table.steps,
    convs: table.convs,
    main: byConv(table.main),
    noiseDampedBase: byConv(table.noiseDampedBase),
    dispersed: byConv(table.dispersed),
    ignored: table.ignored,
  };
}

export function workflowTableText(file: string, { samplerId, table }: WorkflowTable): string {
  const rows = asDilationTable(table);
  return [
    `${file}: Sampler #${samplerId}, MODEL from node #${table.nodeId}, ${table.steps} steps`,
    'Cells: dilation per step range; · = plain conv, off = no base pass (plain CFG), * = dispersed kernel.',
    '',
    `Guided pass, re-dilation:\n${passBody(rows, 'main')}`,
    '',
    `Noise-damped CFG base pass:\n${passBody(rows, 'noiseDampedBase')}`,
    ...(table.ignored.length > 0 ? ['', `Ignored, not in this UNet: ${table.ignored.join(', ')}`] : []),
    '',
  ].join('\n');
}
