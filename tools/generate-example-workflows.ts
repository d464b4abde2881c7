/**
 * Writes workflows/scalecrafter-*.json: the default workflow with ScaleCrafter patches, one per
 * scale class of the paper (4×, 6.25×, 8×, 16× the training pixel count) on the tiny default model
 * (trained size 256²). The reference's SD 1.5 layer choice, scaled to the tiny UNet's two levels:
 * the reference re-dilates every block but the outermost (down_blocks.0, up_blocks.3), so here
 * down_blocks.1, the mid block and up_blocks.0 (with its upsampler). Run:
 *
 *   node --import tsx tools/generate-example-workflows.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Workflow, WorkflowNode, WidgetValue } from '../app/protocol/index.js';

interface Example {
  file: string;
  title: string;
  width: number;
  height: number;
  redilate: Record<string, WidgetValue>;
  noiseDamped?: Record<string, WidgetValue>;
}

const EXAMPLES: Example[] = [
  { file: 'scalecrafter-4x.json', title: '4× pixels (as SD 1.5 at 1024²): dilation 2 for the first 60 % of steps', width: 512, height: 512,
    redilate: { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 2, start: 0, end: 0.6, progressive: false } },
  { file: 'scalecrafter-6.25x.json', title: '6.25× pixels (as SD 1.5 at 1280²): fractional dilation 2.5 for 70 % of steps', width: 640, height: 640,
    redilate: { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 2.5, start: 0, end: 0.7, progressive: false } },
  { file: 'scalecrafter-8x.json', title: '8× pixels (as SD 1.5 at 2048×1024): progressive dilation 3 with noise-damped CFG', width: 1024, height: 512,
    redilate: { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 3, start: 0, end: 0.7, progressive: true },
    noiseDamped: { layers: 'mid_block:3\nup_blocks.0:2', factor: 2, start: 0, end: 0.7, progressive: true } },
  { file: 'scalecrafter-16x.json', title: '16× pixels (as SD 1.5 at 2048²): progressive dilation 4 with noise-damped CFG', width: 1024, height: 1024,
    redilate: { layers: 'down_blocks.1\nmid_block\nup_blocks.0', factor: 4, start: 0, end: 0.7, progressive: true },
    noiseDamped: { layers: 'mid_block:4\nup_blocks.0:3', factor: 2, start: 0, end: 0.7, progressive: true } },
];

const base = JSON.parse(readFileSync(new URL('../workflows/default.json', import.meta.url), 'utf8')) as Workflow;

function patchNode(workflow: Workflow, type: string, widgets: Record<string, WidgetValue>, pos: [number, number]): WorkflowNode {
  const node: WorkflowNode = {
    id: workflow.last_node_id + 1,
    type,
    version: 1,
    pos,
    size: [320, 230],
    mode: 0,
    inputs: [{ name: 'model', type: 'MODEL', link: null }],
    outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }],
    widgets,
    widget_controls: {},
    properties: {},
  };
  workflow.nodes.push(node);
  workflow.last_node_id = node.id;
  return node;
}

/** Puts `node` on the MODEL link that feeds the Sampler. */
function insertOnModelLink(workflow: Workflow, node: WorkflowNode): void {
  const sampler = workflow.nodes.find((candidate) => candidate.type === 'Sampler')!;
  const socket = sampler.inputs.find((input) => input.name === 'model')!;
  const link = workflow.links.find((candidate) => candidate.id === socket.link)!;
  const id = workflow.last_link_id + 1;
  workflow.links.push({ id, origin_id: node.id, origin_slot: 0, target_id: sampler.id, target_slot: link.target_slot, type: 'MODEL' });
  workflow.last_link_id = id;
  link.target_id = node.id;
  link.target_slot = 0;
  node.inputs[0]!.link = link.id;
  node.outputs[0]!.links = [id];
  socket.link = id;
}

for (const example of EXAMPLES) {
  const workflow = structuredClone(base);
  const latent = workflow.nodes.find((node) => node.type === 'EmptyLatentImage')!;
  Object.assign(latent.widgets, { width: example.width, height: example.height });
  workflow.nodes.find((node) => node.type === 'SaveImage')!.widgets.filename_prefix = example.file.replace(/\.json$/, '');
  insertOnModelLink(workflow, patchNode(workflow, 'ReDilate', example.redilate, [860, 520]));
  if (example.noiseDamped) insertOnModelLink(workflow, patchNode(workflow, 'NoiseDampedCFG', example.noiseDamped, [860, 800]));
  workflow.extra = { ...workflow.extra, description: `${example.title}. On the tiny default model (trained at 256²). For a real SD 1.5 / 2.1 / SDXL checkpoint use a ScaleCrafterPreset node instead (docs/scalecrafter.md).` };
  writeFileSync(new URL(`../workflows/${example.file}`, import.meta.url), `${JSON.stringify(workflow, null, 2)}\n`);
}
