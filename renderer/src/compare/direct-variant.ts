/**
 * "ScaleCrafter off" for a workflow: the same graph with every active node of the `scalecrafter`
 * category (ReDilate, DisperseConv, NoiseDampedCFG, PaintedSchedule, ScaleCrafterPreset, FreeU,
 * the Attn-SF baseline — whatever the engine files there) bypassed, inside subgraph definitions
 * (nested ones too) as on the workflow. They are all MODEL → MODEL patches, so a bypass hands the
 * unpatched model to the Sampler: the paper's "Direct" inference at the same size, seed and prompt.
 * Pure: no DOM, no litegraph.
 */
import { NODE_MODES, rawSubgraphsOf, type NodeSchema, type Workflow, type WorkflowNode } from '../../../app/protocol/index.js';

/** The node-library category the engine files the ScaleCrafter patch nodes under. */
export const SCALECRAFTER_CATEGORY = 'scalecrafter';

export interface DirectVariant {
  workflow: Workflow;
  /**
   * The nodes bypassed: a workflow node by its id, one inside a definition as `definitionId/nodeId`;
   * empty when nothing ScaleCrafter was active (nothing to compare).
   */
  bypassed: string[];
}

type RawDefinition = Record<string, unknown> & { id: string; nodes: WorkflowNode[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isDefinition = (value: unknown): value is RawDefinition => isRecord(value) && typeof value.id === 'string' && Array.isArray(value.nodes);

export function directVariant(workflow: Workflow, schemas: ReadonlyMap<string, NodeSchema>): DirectVariant {
  const bypassed: string[] = [];
  const withoutScaleCrafter = (nodes: readonly WorkflowNode[], where: string): WorkflowNode[] =>
    nodes.map((node) => {
      if (node.mode !== NODE_MODES.always || schemas.get(node.type)?.category !== SCALECRAFTER_CATEGORY) return node;
      bypassed.push(`${where}${node.id}`);
      return { ...node, mode: NODE_MODES.bypass };
    });
  const definitions = (raws: unknown[]): unknown[] =>
    raws.map((raw) => {
      if (!isDefinition(raw)) return raw;
      const nested = rawSubgraphsOf(raw);
      const nodes = withoutScaleCrafter(raw.nodes, `${raw.id}/`);
      return { ...raw, nodes, ...(nested.length > 0 ? { definitions: { ...(raw.definitions as Record<string, unknown>), subgraphs: definitions(nested) } } : {}) };
    });
  const nodes = withoutScaleCrafter(workflow.nodes, '');
  const raws = rawSubgraphsOf(workflow);
  const variant = raws.length > 0 ? { ...workflow, nodes, definitions: { ...(workflow.definitions as Record<string, unknown>), subgraphs: definitions(raws) } } : { ...workflow, nodes };
  return { workflow: variant, bypassed };
}
