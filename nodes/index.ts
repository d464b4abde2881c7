/**
 * The node registry's composition root. Only the engine worker (and tests that build their own
 * engine) import this file; everything else learns the node types from their schemas.
 */
import { defaultEngineConfig, type EngineConfig } from '../app/engine/engine-config.js';
import { NodeRegistry } from '../app/engine/node-registry.js';
import type { AnyNodeDefinition } from '../app/engine/node-definition.js';
import { attentionScale } from './attention-scale.js';
import { delay } from './delay.js';
import { freeU } from './freeu.js';
import { scaleCrafterPreset } from './scalecrafter-preset.js';
import { disperseConv } from './disperse-conv.js';
import { noiseDampedCfg } from './noise-damped-cfg.js';
import { paintedSchedule } from './painted-schedule.js';
import { reDilate } from './redilate.js';
import { emptyLatentImage } from './empty-latent-image.js';
import { loadCheckpointNode } from './load-checkpoint.js';
import { loadImage } from './load-image.js';
import { loraLoaderNode } from './lora-loader.js';
import { loraLoaderModelOnlyNode } from './lora-loader-model-only.js';
import { previewImage } from './preview-image.js';
import { sampler } from './sampler.js';
import { saveImage } from './save-image.js';
import { textEncode } from './text-encode.js';
import { textEncodeSdxl } from './text-encode-sdxl.js';
import { vaeDecode } from './vae-decode.js';
import { vaeEncode } from './vae-encode.js';
import { vaeLoaderNode } from './vae-loader.js';
import { mathFloat } from './math-float.js';
import { numberToText } from './number-to-text.js';
import { primitiveFloat } from './primitive-float.js';
import { primitiveInt } from './primitive-int.js';
import { primitiveString } from './primitive-string.js';
import { saveText } from './save-text.js';
import { showText } from './show-text.js';
import { textConcat } from './text-concat.js';
import { textToNumber } from './text-to-number.js';
import { timestamp } from './timestamp.js';

const utilityNodes: readonly AnyNodeDefinition[] = [
  primitiveInt,
  primitiveFloat,
  primitiveString,
  mathFloat,
  textConcat,
  textToNumber,
  numberToText,
  timestamp,
  delay,
  showText,
  saveText,
];

const pipelineNodes: readonly AnyNodeDefinition[] = [textEncode, textEncodeSdxl, emptyLatentImage, sampler, vaeDecode, vaeEncode, loadImage, saveImage, previewImage];
const scaleCrafterNodes: readonly AnyNodeDefinition[] = [scaleCrafterPreset, reDilate, noiseDampedCfg, disperseConv, paintedSchedule, freeU, attentionScale];

export function createNodeRegistry(config: EngineConfig = defaultEngineConfig()): NodeRegistry {
  return new NodeRegistry([loadCheckpointNode(config), vaeLoaderNode(config), loraLoaderNode(config), loraLoaderModelOnlyNode(config), ...pipelineNodes, ...scaleCrafterNodes, ...utilityNodes]);
}
