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
  const [positive, negative] = workflow.nodes.filter((node) => node.type === 'TextEncode').sort((a, b) => a.id - b.id);
  positive!.widgets.text = settings.prompt;
  setWidgets(workflow, 'EmptyLatentImage', { width: settings.side, height: settings.side });
  setWidgets(workflow, 'SaveImage', { filename_prefix: `compare-${ratio}x` });
  // The default workflow's own nodes, taken before the copies make their types ambiguous.
  const own = new Map(FIRST_NODES.map(([type]) => [type, nodeOfType(workflow, type)]));
  const direct = own.get('Sampler')!;
  const directDecode = own.get('VAEDecode')!;
  direct.title = 'Direct-Inf (the plain model)';
  const scaleCrafter = addScaleCrafterBranch(workflow, direct, directDecode, scaledRule(ratio));
  addSideBySideOutput(workflow, directDecode, scaleCrafter.decode);
  shareSeed(workflow, [direct, scaleCrafter.sampler], settings.seed);
  for (const [type, pos] of FIRST_NODES) own.get(type)!.pos = [...pos];
  positive!.pos = [COLUMNS[1]!, 60];
  negative!.pos = [COLUMNS[1]!, 260];
  nodeOfType(workflow, 'SaveImage').size = [320, 220];
  workflow.extra = { ...workflow.extra, description: `Direct-Inf | ScaleCrafter at ${ratio}× the emoji model's ${settings.trainingSide}² training pixels, from one seed: the same prompts and latent through the plain model and through ReDilate (the emoji rule, docs/scalecrafter-experiment.md), stitched side by side and enlarged 2× to be seen.` };
  return workflow;
}

/** Where the default workflow's own nodes go in the four columns (the prompts are placed by order). */
const FIRST_NODES: ReadonlyArray<[string, [number, number]]> = [
  ['LoadCheckpoint', [COLUMNS[0]!, 60]],
  ['EmptyLatentImage', [COLUMNS[1]!, 460]],
  ['Sampler', [COLUMNS[2]!, 60]],
  ['VAEDecode', [COLUMNS[3]!, 60]],
  ['SaveImage', [COLUMNS[3]!, 652]],
];

/** ReDilate on the checkpoint's model → a second Sampler on the first one's prompts and latent → its own VAEDecode. */
function addScaleCrafterBranch(workflow: Workflow, direct: WorkflowNode, directDecode: WorkflowNode, rule: ReturnType<typeof scaledRule>): { sampler: WorkflowNode; decode: WorkflowNode } {
  const checkpoint = nodeOfType(workflow, 'LoadCheckpoint');
  const redilate = addNode(workflow, {
    type: 'ReDilate', pos: [COLUMNS[0]!, 236], size: [320, 230],
    inputs: [{ name: 'model', type: 'MODEL', link: null }], outputs: [{ name: 'MODEL', type: 'MODEL', links: [] }],
    widgets: { layers: rule.dilation, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive },
  });
  connect(workflow, checkpoint, 0, redilate, 'model');
  const sampler = copyUnlinked(workflow, direct, [COLUMNS[2]!, 412]);
  sampler.title = 'ScaleCrafter (re-dilated)';
  connect(workflow, redilate, 0, sampler, 'model');
  for (const input of ['positive', 'negative', 'latent']) {
    const link = workflow.links.find((candidate) => candidate.id === direct.inputs.find((socket) => socket.name === input)!.link)!;
    connect(workflow, workflow.nodes.find((node) => node.id === link.origin_id)!, link.origin_slot, sampler, input);
  }
  const decode = copyUnlinked(workflow, directDecode, [COLUMNS[3]!, 190]);
  connect(workflow, sampler, 0, decode, 'samples');
  connect(workflow, checkpoint, 2, decode, 'vae');
  return { sampler, decode };
}

/** `first` | a strip | `second`, enlarged, into the SaveImage `first` fed. */
function addSideBySideOutput(workflow: Workflow, first: WorkflowNode, second: WorkflowNode): void {
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
  rewireOutput(workflow, first, stitch, 'image1');
  connect(workflow, second, 0, stitch, 'image2');
  connect(workflow, stitch, 0, enlarge, 'image');
  connect(workflow, enlarge, 0, nodeOfType(workflow, 'SaveImage'), 'images');
}

/** One Seed node linked into every sampler's seed, so that the comparison cannot drift apart. */
function shareSeed(workflow: Workflow, samplers: readonly WorkflowNode[], value: number): void {
  const seed = addNode(workflow, {
    type: 'PrimitiveInt', pos: [COLUMNS[0]!, 516], size: [300, 82],
    inputs: [], outputs: [{ name: 'INT', type: 'INT', links: [] }], widgets: { value },
  });
  seed.title = 'Seed (both Samplers)';
  seed.widget_controls = { value: 'fixed' };
  for (const sampler of samplers) {
    sampler.inputs.push({ name: 'seed', type: 'INT', link: null, widget: { name: 'seed' } });
    sampler.widgets.seed = value;
    connect(workflow, seed, 0, sampler, 'seed');
  }
}

/** A new node like `original` (type, version, widgets and their controls, size), its sockets unlinked. */
function copyUnlinked(workflow: Workflow, original: WorkflowNode, pos: [number, number]): WorkflowNode {
  const copy = addNode(workflow, {
    type: original.type, pos, size: [...original.size],
    inputs: original.inputs.map((input) => ({ ...input, link: null })),
    outputs: original.outputs.map((output) => ({ ...output, links: [] })),
    widgets: { ...original.widgets },
  });
  copy.version = original.version;
  copy.widget_controls = { ...original.widget_controls };
  return copy;
}

/** Moves every link out of `from`'s first output onto nothing, then links `from` to `to`'s `input` instead. */
function rewireOutput(workflow: Workflow, from: WorkflowNode, to: WorkflowNode, input: string): void {
  const outgoing = new Set(from.outputs[0]!.links ?? []);
  for (const node of workflow.nodes) for (const socket of node.inputs) if (socket.link !== null && outgoing.has(socket.link)) socket.link = null;
  workflow.links = workflow.links.filter((link) => !outgoing.has(link.id));
  from.outputs[0]!.links = [];
  connect(workflow, from, 0, to, input);
}
