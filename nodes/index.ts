/**
 * The node registry's composition root. Only the engine process's entry (and tests that build their own
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
import { saveImageWebsocket } from './save-image-websocket.js';
import { textEncode } from './text-encode.js';
import { textEncodeSdxl } from './text-encode-sdxl.js';
import { vaeDecode } from './vae-decode.js';
import { vaeEncode } from './vae-encode.js';
import { vaeLoaderNode } from './vae-loader.js';
import { mathFloat } from './math-float.js';
import { numberToText } from './number-to-text.js';
import { primitiveBoolean } from './primitive-boolean.js';
import { primitiveFloat } from './primitive-float.js';
import { primitiveInt } from './primitive-int.js';
import { primitiveString } from './primitive-string.js';
import { saveText } from './save-text.js';
import { showText } from './show-text.js';
import { textConcat } from './text-concat.js';
import { textToNumber } from './text-to-number.js';
import { timestamp } from './timestamp.js';
import { clipSetLastLayer } from './clip-set-last-layer.js';
import { conditioningCombine } from './conditioning-combine.js';
import { conditioningConcat } from './conditioning-concat.js';
import { conditioningSetArea } from './conditioning-set-area.js';
import { conditioningSetAreaPercentage } from './conditioning-set-area-percentage.js';
import { conditioningSetAreaStrength } from './conditioning-set-area-strength.js';
import { conditioningSetMask } from './conditioning-set-mask.js';
import { conditioningSetTimestepRange } from './conditioning-set-timestep-range.js';
import { conditioningZeroOut } from './conditioning-zero-out.js';
import { imageScale } from './image-scale.js';
import { kSamplerAdvanced } from './ksampler-advanced.js';
import { imageScaleBy } from './image-scale-by.js';
import { imageStitch } from './image-stitch.js';
import { imageToMask } from './image-to-mask.js';
import { latentUpscale } from './latent-upscale.js';
import { latentUpscaleBy } from './latent-upscale-by.js';
import { solidMask } from './solid-mask.js';
import { setLatentNoiseMask } from './set-latent-noise-mask.js';
import { vaeEncodeForInpaint } from './vae-encode-for-inpaint.js';
import { invertMask } from './invert-mask.js';
import { maskToImage } from './mask-to-image.js';
import { growMask } from './grow-mask.js';
import { featherMask } from './feather-mask.js';
import { thresholdMask } from './threshold-mask.js';
import { cropMask } from './crop-mask.js';
import { maskComposite } from './mask-composite.js';

const utilityNodes: readonly AnyNodeDefinition[] = [
  primitiveInt,
  primitiveFloat,
  primitiveString,
  primitiveBoolean,
  mathFloat,
  textConcat,
  textToNumber,
  numberToText,
  timestamp,
  delay,
  showText,
  saveText,
];

const pipelineNodes: readonly AnyNodeDefinition[] = [textEncode, textEncodeSdxl, emptyLatentImage, sampler, vaeDecode, vaeEncode, loadImage, saveImage, saveImageWebsocket, previewImage];
/** ComfyUI's core nodes under their own names and inputs, so shared workflows run as they are. */
const comfyCoreNodes: readonly AnyNodeDefinition[] = [
  kSamplerAdvanced,
  clipSetLastLayer,
  conditioningCombine,
  conditioningConcat,
  conditioningZeroOut,
  conditioningSetTimestepRange,
  conditioningSetArea,
  conditioningSetAreaPercentage,
  conditioningSetAreaStrength,
  conditioningSetMask,
  solidMask,
  imageToMask,
  latentUpscale,
  latentUpscaleBy,
  imageScale,
  imageScaleBy,
  imageStitch,
  setLatentNoiseMask,
  vaeEncodeForInpaint,
  invertMask,
  maskToImage,
  growMask,
  featherMask,
  thresholdMask,
  cropMask,
  maskComposite,
];
const scaleCrafterNodes: readonly AnyNodeDefinition[] = [scaleCrafterPreset, reDilate, noiseDampedCfg, disperseConv, paintedSchedule, freeU, attentionScale];

export function createNodeRegistry(config: EngineConfig = defaultEngineConfig()): NodeRegistry {
  return new NodeRegistry([loadCheckpointNode(config), vaeLoaderNode(config), loraLoaderNode(config), loraLoaderModelOnlyNode(config), ...pipelineNodes, ...comfyCoreNodes, ...scaleCrafterNodes, ...utilityNodes]);
}
