/** Settings a host gives the engine process when it starts. */
import path from 'node:path';
import { z } from 'zod';

export const engineConfigSchema = z.object({
  /** Where model folders live; LoadCheckpoint lists its sub-folders and resolves names against it. */
  modelsDir: z.string().min(1),
  /**
   * Read-only model folders shipped with the app (the packaged app's resources/models). A name found
   * here but not in modelsDir is copied into modelsDir on first use, since LoadCheckpoint writes the
   * ONNX graphs it builds into the model's folder. Never written to.
   */
  bundledModelsDir: z.string().min(1).optional(),
  /**
   * An existing ComfyUI install (its folder, whose models/ and extra_model_paths.yaml are read) or
   * an extra_model_paths.yaml on its own: its checkpoints and VAE files join the model lists
   * (app/models/comfyui-model-paths.ts). Read, never written.
   */
  comfyui: z.string().min(1).optional(),
});
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/**
 * `$SCALECRAFTER_MODELS_DIR`, else ./models of the working directory (the project folder, for the
 * CLI); `$SCALECRAFTER_BUNDLED_MODELS_DIR` and `$SCALECRAFTER_COMFYUI_DIR` when set. A checkout needs no bundled folder: its
 * ./models holds the bundled model's sources already.
 */
export function defaultEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const bundled = env.SCALECRAFTER_BUNDLED_MODELS_DIR;
  const comfyui = env.SCALECRAFTER_COMFYUI_DIR;
  return {
    modelsDir: path.resolve(env.SCALECRAFTER_MODELS_DIR ?? 'models'),
    ...(bundled ? { bundledModelsDir: path.resolve(bundled) } : {}),
    ...(comfyui ? { comfyui: path.resolve(comfyui) } : {}),
  };
}
