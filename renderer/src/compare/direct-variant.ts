/**
 * "ScaleCrafter off" for a workflow: the same graph with every active node of the `scalecrafter`
 * category (ReDilate, DisperseConv, NoiseDampedCFG, PaintedSchedule, ScaleCrafterPreset, FreeU,
 * the Attn-SF baseline — whatever the engine files there) bypassed. They are all MODEL → MODEL
 * patches, so a bypass hands the unpatched model to the Sampler: the paper's "Direct" inference at
 * the same size, seed and prompt. Pure: no DOM, no litegraph.
 */
import { NODE_MODES, type NodeSchema, type Workflow } from '../../../app/protocol/index.js';

/** The node-library category the engine files the ScaleCrafter patch nodes under. */
export const SCALECRAFTER_CATEGORY = 'scalecrafter';

export interface DirectVariant {
  workflow: Workflow;
  /** Ids of the nodes bypassed; empty when nothing ScaleCrafter was active (nothing to compare). */
  bypassed: number[];
}

export function directVariant(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>): DirectVariant {
  const bypassed: number[] = [];
  const nodes = workflow.nodes.map((node) => {
    if (node.mode !== NODE_MODES.always || schemas.get(node.type)?.category !== SCALECRAFTER_CATEGORY) return node;
    bypassed.push(node.id);
    return { ...node, mode: NODE_MODES.bypass };
  });
  return { workflow: { ...workflow, nodes }, bypassed };
}
