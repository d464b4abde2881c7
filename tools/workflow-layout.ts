/**
 * The shipped workflows' layout: three columns, so that a whole workflow fits a 1280×800 window
 * (the canvas beside the side panel is about 900×700 px) at the readable start zoom (text ≥ 11 px,
 * renderer/src/canvas/readable-text.ts) — a straight left-to-right line was about 1,870 units wide
 * and left VAE Decode and Save Image off screen. Left: the model (Load Checkpoint, its patches) and
 * the first latent steps; middle: the prompts (and a hires-fix's second Sampler); right: the
 * Sampler, VAE Decode and Save Image. Only positions and sizes change.
 */
import type { Workflow, WorkflowNode } from '../app/protocol/index.js';

/** litegraph's title bar, drawn above a node's `pos`. */
const TITLE_HEIGHT = 30;
const ROW_GAP = 20;
const COLUMN_GAP = 24;
const ORIGIN: [number, number] = [40, 60];
/**
 * Narrower prompt boxes and image preview than the old line's, so three columns fit; the others as
 * the canvas draws them with its readable text (a size below that is raised on load, which would
 * push a node into the one under it).
 */
const SIZES: Readonly<Record<string, [number, number]>> = {
  TextEncode: [340, 150],
  SaveImage: [320, 280],
  LoadCheckpoint: [300, 126],
  EmptyLatentImage: [300, 112],
  Sampler: [320, 302],
  VAEDecode: [220, 80],
};
/** MODEL → MODEL patch nodes, stacked under Load Checkpoint in the order they are chained. */
const MODEL_PATCHES = new Set(['ReDilate', 'NoiseDampedCFG', 'ScaleCrafterPreset']);

export function layOutInColumns(workflow: Workflow): void {
  const columns = columnsOf(workflow);
  const placed = columns.flat();
  const unplaced = workflow.nodes.filter((node) => !placed.includes(node));
  if (unplaced.length > 0) throw new Error(`no column for ${unplaced.map((node) => node.type).join(', ')}`);
  let x = ORIGIN[0];
  for (const column of columns) {
    let y = ORIGIN[1];
    for (const node of column) {
      const size = SIZES[node.type];
      if (size) node.size = [...size];
      node.pos = [x, y];
      y += node.size[1] + ROW_GAP + TITLE_HEIGHT;
    }
    x += Math.max(...column.map((node) => node.size[0])) + COLUMN_GAP;
  }
}

function columnsOf(workflow: Workflow): WorkflowNode[][] {
  const ofType = (...types: string[]) => workflow.nodes.filter((node) => types.includes(node.type)).sort((a, b) => a.id - b.id);
  const patches = workflow.nodes.filter((node) => MODEL_PATCHES.has(node.type)).sort((a, b) => a.id - b.id);
  const [sampler, ...laterSamplers] = ofType('Sampler');
  const latent = ofType('EmptyLatentImage');
  // The latent sits under the model when there is room there (no patches), else under the prompts.
  const left = [...ofType('LoadCheckpoint'), ...patches, ...(patches.length === 0 ? latent : []), ...ofType('LatentUpscaleBy')];
  const middle = [...ofType('TextEncode'), ...(patches.length > 0 ? latent : []), ...laterSamplers];
  const right = [...(sampler ? [sampler] : []), ...ofType('VAEDecode', 'SaveImage')];
  return [left, middle, right];
}
