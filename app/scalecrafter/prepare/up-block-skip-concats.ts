/**
 * Where FreeU acts in a UNet graph: the skip concatenations of the up blocks. diffusers'
 * UpBlock2D / CrossAttnUpBlock2D run, before each resnet j,
 *
 *   hidden_states = torch.cat([hidden_states, res_hidden_states], dim=1)
 *
 * which a torch export names "/up_blocks.<i>/Concat" (then "Concat_1", …) in the block's scope,
 * as app/models/sd/unet.ts does. A node is taken as the skip concatenation of resnet j when it
 * is a two-input Concat on axis 1 whose module path is exactly `up_blocks.<i>` and whose output
 * feeds module `up_blocks.<i>.resnets.<j>` — found by names, never by node positions.
 */
import { listConvs, modulePathOfNode } from '../../onnx/inspect.js';
import type { OnnxGraph, OnnxModel, OnnxNode } from '../../onnx/model.js';
import { consumersByValue } from './graph-value-names.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';

export interface SkipConcat {
  readonly node: OnnxNode;
  /** The resnet the concatenation feeds, e.g. `up_blocks.1.resnets.2`. */
  readonly resnet: string;
  /** Input 0: the backbone features (hidden_states). */
  readonly hidden: string;
  /** Input 1: the skip features (res_hidden_states). */
  readonly skip: string;
  readonly output: string;
}

const UP_BLOCK = /^up_blocks\.(\d+)$/;

function concatAxis(node: OnnxNode): number | undefined {
  const axis = node.attribute.find((attribute) => attribute.name === 'axis')?.i;
  return axis === undefined ? undefined : Number(axis);
}

/** The skip concatenations of the main graph, in graph order. */
export function findSkipConcats(graph: OnnxGraph): SkipConcat[] {
  const consumers = consumersByValue(graph);
  const found: SkipConcat[] = [];
  const seen = new Map<string, string>();
  for (const node of graph.node) {
    if (node.opType !== 'Concat' || (node.domain ?? '') !== '' || node.input.length !== 2 || concatAxis(node) !== 1) continue;
    const block = modulePathOfNode(node);
    if (block === undefined || !UP_BLOCK.test(block)) continue;
    const output = node.output[0]!;
    const resnetPattern = new RegExp(`^${block.replaceAll('.', '\\.')}\\.resnets\\.(\\d+)(\\.|$)`);
    const resnets = new Set<string>();
    for (const consumer of consumers.get(output) ?? []) {
      const match = resnetPattern.exec(modulePathOfNode(consumer) ?? '');
      if (match) resnets.add(`${block}.resnets.${match[1]}`);
    }
    if (resnets.size === 0) continue;
    if (resnets.size > 1) {
      throw new UserFacingError(`Concat node '${node.name ?? ''}' feeds several resnets (${[...resnets].join(', ')}); a UNet up block concatenates one skip per resnet`);
    }
    const resnet = [...resnets][0]!;
    const earlier = seen.get(resnet);
    if (earlier !== undefined) throw new UserFacingError(`Concat nodes '${earlier}' and '${node.name ?? ''}' both feed ${resnet}; a resnet takes one skip concatenation`);
    seen.set(resnet, node.name ?? '');
    found.push({ node, resnet, hidden: node.input[0]!, skip: node.input[1]!, output });
  }
  return found;
}

const UP_RESNET_CONV2 = /^up_blocks\.\d+\.resnets\.\d+\.conv2$/;

/**
 * The distinct output channel counts of the up blocks, largest first (SD1.5/2.1/SDXL: 1280, 640,
 * 320), read from the weights of their resnets' conv2.
 */
export function upBlockChannelCounts(model: OnnxModel): number[] {
  const counts = new Set<number>();
  for (const conv of listConvs(model)) {
    if (conv.modulePath === undefined || !UP_RESNET_CONV2.test(conv.modulePath)) continue;
    if (conv.outChannels === undefined) {
      throw new UserFacingError(`the output channels of ${conv.modulePath} (node '${conv.nodeName}') cannot be read from its weight '${conv.weight}'`);
    }
    counts.add(conv.outChannels);
  }
  return [...counts].sort((a, b) => b - a);
}
