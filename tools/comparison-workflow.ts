/**
 * workflows/compare-16x.json: Direct-Inf and ScaleCrafter side by side from one seed — the picture
 * README shows. The default workflow at 16× the emoji model's training pixels, its Sampler left as
 * the plain model (Direct-Inf), a second Sampler on the same prompts and latent behind ReDilate with
 * the emoji rule (tools/emoji-scalecrafter-rule.ts), both decoded and stitched Direct | ScaleCrafter
 * (ImageStitch, exact pixels), enlarged 2× (nearest) so that the 128² pictures can be seen, and
 * saved. One Seed node feeds both Samplers, so changing it keeps the comparison fair.
 */
import type { Workflow, WorkflowNode } from '../app/protocol/index.js';
import { scaledRule } from './emoji-scalecrafter-rule.js';
import { addNode, connect, nodeOfType, setWidgets } from './workflow-patching.js';

export interface ComparisonSettings {
  readonly side: number;
  readonly trainingSide: number;
  readonly prompt: string;
  readonly seed: number;
}

const COLUMNS = [40, 384, 748, 1092];
/** The picture's layout: the white strip between the halves, and the nearest-neighbour enlargement that makes 128² visible. */
export const COMPARISON_SPACING = 4;
export const COMPARISON_ENLARGEMENT = 2;

export function comparisonWorkflow(base: Workflow, settings: ComparisonSettings): Workflow {
  const workflow = structuredClone(base);
  const ratio = (settings.side / settings.trainingSide) ** 2;
  const rule = scaledRule(ratio);
  const checkpoint = nodeOfType(workflow, 'LoadCheckpoint');
  const [positive, negative] = workflow.nodes.filter((node) => node.type === 'TextEncode').sort((a, b) => a.id - b.id);
  positive!.widgets.text = settings.prompt;
  setWidgets(workflow, 'EmptyLatentImage', { width: settings.side, height: settings.side });
  const latent = nodeOfType(workflow, 'EmptyLatentImage');
  const direct = nodeOfType(workflow, 'Sampler');
  direct.title = 'Direct-Inf (the plain model)';
  const directDecode = nodeOfType(workflow, 'VAEDecode');
  const save = nodeOfType(workflow, 'SaveImage');
  save.widgets.filename_prefix = `compare-${ratio}x`;

  const redilate = addNode(workflow, {
    type: 'ReDilate', pos: [COLUMNS[0]!, 236], size: [320, 230],
    inputs: [{ name: 'model', type: 'MODEL', link: null }], outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }],
    widgets: { layers: rule.dilation, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive },
  });
  connect(workflow, checkpoint, 0, redilate, 'model');
  const scaleCrafter = addNode(workflow, {
    type: 'Sampler', pos: [COLUMNS[2]!, 412], size: direct.size,
    inputs: direct.inputs.map((input) => ({ ...input, link: null })), outputs: [{ name: 'LATENT', type: 'LATENT', links: [] }],
    widgets: { ...direct.widgets },
  });
  scaleCrafter.title = 'ScaleCrafter (re-dilated)';
  scaleCrafter.version = direct.version;
  scaleCrafter.widget_controls = { ...direct.widget_controls };
  connect(workflow, redilate, 0, scaleCrafter, 'model');
  connect(workflow, positive!, 0, scaleCrafter, 'positive');
  connect(workflow, negative!, 0, scaleCrafter, 'negative');
  connect(workflow, latent, 0, scaleCrafter, 'latent');
  const scaleCrafterDecode = addNode(workflow, {
    type: 'VAEDecode', pos: [COLUMNS[3]!, 190], size: directDecode.size,
    inputs: directDecode.inputs.map((input) => ({ ...input, link: null })), outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }],
    widgets: { ...directDecode.widgets },
  });
  scaleCrafterDecode.version = directDecode.version;
  connect(workflow, scaleCrafter, 0, scaleCrafterDecode, 'samples');
  connect(workflow, checkpoint, 2, scaleCrafterDecode, 'vae');

  const stitch = addNode(workflow, {
    type: 'ImageStitch', pos: [COLUMNS[3]!, 320], size: [320, 150],
    inputs: [{ name: 'image1', type: 'IMAGE', link: null }, { name: 'image2', type: 'IMAGE', link: null }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }],
    // Not matched: both are the same size, and matching would resample the second (ComfyUI's lanczos step).
    widgets: { direction: 'right', match_image_size: false, spacing_width: COMPARISON_SPACING, spacing_color: 'white' },
  });
  const enlarge = addNode(workflow, {
    type: 'ImageScaleBy', pos: [COLUMNS[3]!, 520], size: [320, 82],
    inputs: [{ name: 'image', type: 'IMAGE', link: null }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }],
    widgets: { upscale_method: 'nearest-exact', scale_by: COMPARISON_ENLARGEMENT },
  });
  rewireOutput(workflow, directDecode, stitch, 'image1');
  connect(workflow, scaleCrafterDecode, 0, stitch, 'image2');
  connect(workflow, stitch, 0, enlarge, 'image');
  connect(workflow, enlarge, 0, save, 'images');

  const seed = addNode(workflow, {
    type: 'PrimitiveInt', pos: [COLUMNS[0]!, 516], size: [300, 82],
    inputs: [], outputs: [{ name: 'INT', type: 'INT', links: [] }], widgets: { value: settings.seed },
  });
  seed.title = 'Seed (both Samplers)';
  seed.widget_controls = { value: 'fixed' };
  for (const sampler of [direct, scaleCrafter]) {
    sampler.inputs.push({ name: 'seed', type: 'INT', link: null, widget: { name: 'seed' } });
    sampler.widgets.seed = settings.seed;
    connect(workflow, seed, 0, sampler, 'seed');
  }

  place(checkpoint, COLUMNS[0]!, 60);
  place(positive!, COLUMNS[1]!, 60);
  place(negative!, COLUMNS[1]!, 260);
  place(latent, COLUMNS[1]!, 460);
  place(direct, COLUMNS[2]!, 60);
  place(directDecode, COLUMNS[3]!, 60);
  save.pos = [COLUMNS[3]!, 652];
  save.size = [320, 220];
  workflow.extra = { ...workflow.extra, description: `Direct-Inf | ScaleCrafter at ${ratio}× the emoji model's ${settings.trainingSide}² training pixels, from one seed: the same prompts and latent through the plain model and through ReDilate (the emoji rule, docs/scalecrafter-experiment.md), stitched side by side and enlarged 2× to be seen.` };
  return workflow;
}

/** Moves every link out of `from`'s first output onto nothing, then links `from` to `to`'s `input` instead. */
function rewireOutput(workflow: Workflow, from: WorkflowNode, to: WorkflowNode, input: string): void {
  const outgoing = new Set(from.outputs[0]!.links ?? []);
  for (const node of workflow.nodes) for (const socket of node.inputs) if (socket.link !== null && outgoing.has(socket.link)) socket.link = null;
  workflow.links = workflow.links.filter((link) => !outgoing.has(link.id));
  from.outputs[0]!.links = [];
  connect(workflow, from, 0, to, input);
}

function place(node: WorkflowNode, x: number, y: number): void {
  node.pos = [x, y];
}
