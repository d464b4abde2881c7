/** Single-file checkpoints (original LDM / sgm layout) → diffusers-ONNX pipeline folders (docs/checkpoints.md). */
export { importCheckpoint, importedFolderFor, CHECKPOINT_CONVERTER_VERSION, type CachedImport, type CachedImportOptions } from './checkpoint-cache.js';
export { importCheckpointFile, type CheckpointImportOptions, type CheckpointImportReport, type ImportProgress } from './import-checkpoint.js';
export type { PredictionType, PredictionDecision } from './prediction-type.js';
