/** Where the desktop app's engine finds models: Electron-free, so it is tested in plain Node. */
import path from 'node:path';
import { defaultEngineConfig, type EngineConfig } from '../engine/engine-config.js';

export interface DesktopPaths {
  /** app.isPackaged: an installed app rather than `npm start` in a checkout. */
  isPackaged: boolean;
  /** app.getPath('userData'). */
  userDataDir: string;
  /** process.resourcesPath: the app bundle's resources folder, where electron-builder.yml puts models/. */
  resourcesDir: string;
}

/**
 * From a checkout, models live in ./models as for the CLI. An installed app keeps them in its
 * user-data folder, and its bundled models in resources/models, which is read-only: LoadCheckpoint
 * copies one into the user-data folder on first use. The environment variables override both.
 */
export function desktopEngineConfig(paths: DesktopPaths, env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const config = defaultEngineConfig(env);
  if (!paths.isPackaged) return config;
  return {
    ...config,
    modelsDir: env.SCALECRAFTER_MODELS_DIR ? config.modelsDir : path.join(paths.userDataDir, 'models'),
    bundledModelsDir: config.bundledModelsDir ?? path.join(paths.resourcesDir, 'models'),
  };
}
