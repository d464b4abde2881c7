/** Settings a host gives the engine worker when it starts. */
import path from 'node:path';
import { z } from 'zod';

export const engineConfigSchema = z.object({
  /** Where model folders live; LoadCheckpoint lists its sub-folders and resolves names against it. */
  modelsDir: z.string().min(1),
});
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** `$SCALECRAFTER_MODELS_DIR`, else ./models of the working directory (the project folder, for the CLI). */
export function defaultEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  return { modelsDir: path.resolve(env.SCALECRAFTER_MODELS_DIR ?? 'models') };
}
