export { type WeightSource, weightError, type WeightErrorKind } from './weight-source.js';
export { SeededWeights } from './seeded-weights.js';
export { initRuleFor, type InitRule } from './init-policy.js';
export { SafetensorsFile, openSafetensors } from './safetensors-file.js';
export { SAFETENSORS_FORMAT_PROBLEM, safetensorsFormatError, type SafetensorsDtype, type SafetensorsTensorInfo } from './safetensors-header.js';
export { writeSafetensors, type TensorToWrite } from './safetensors-writer.js';
export { SafetensorsWeights } from './safetensors-weights.js';
