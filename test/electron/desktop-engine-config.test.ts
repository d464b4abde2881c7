import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { desktopEngineConfig } from '../../app/electron/desktop-engine-config.js';
import { engineConfigSchema } from '../../app/engine/engine-config.js';

describe('where the desktop app\'s engine finds models', () => {
  const installed = { isPackaged: true, userDataDir: path.resolve('/home/u/.config/ScaleCrafter Studio'), resourcesDir: path.resolve('/opt/ScaleCrafter Studio/resources') };

  test('an installed app: models in the user-data folder, bundled models in the read-only resources', () => {
    const config = desktopEngineConfig(installed, {});
    assert.deepEqual(config, { modelsDir: path.join(installed.userDataDir, 'models'), bundledModelsDir: path.join(installed.resourcesDir, 'models') });
    assert.deepEqual(engineConfigSchema.parse(config), config, 'the worker receives both');
  });

  test('a checkout: ./models, which holds the bundled sources already, and no bundled folder', () => {
    assert.deepEqual(desktopEngineConfig({ ...installed, isPackaged: false }, {}), { modelsDir: path.resolve('models') });
  });

  test('the environment overrides either folder', () => {
    const env = { SCALECRAFTER_MODELS_DIR: '/data/models', SCALECRAFTER_BUNDLED_MODELS_DIR: '/data/bundled' };
    assert.deepEqual(desktopEngineConfig(installed, env), { modelsDir: path.resolve('/data/models'), bundledModelsDir: path.resolve('/data/bundled') });
    assert.deepEqual(desktopEngineConfig(installed, { SCALECRAFTER_MODELS_DIR: '/data/models' }), { modelsDir: path.resolve('/data/models'), bundledModelsDir: path.join(installed.resourcesDir, 'models') });
    assert.deepEqual(desktopEngineConfig({ ...installed, isPackaged: false }, env), { modelsDir: path.resolve('/data/models'), bundledModelsDir: path.resolve('/data/bundled') });
  });
});
