/**
 * Node definitions with the schemas of the node types ComfyUI imports land on (their real
 * implementations are another issue's). Import reads only the schemas — input names, order, kinds,
 * defaults, outputs — so execute() here just hands its widget values on.
 */
import { defineNode } from '../../../app/engine/node-definition.js';
import type { AnyNodeDefinition } from '../../../app/engine/node-definition.js';
import { NodeRegistry } from '../../../app/engine/node-registry.js';
import type { InputSpec } from '../../../app/protocol/index.js';
import { SAMPLER_NAMES, SCHEDULE_NAMES } from '../../../app/diffusion/schedulers/index.js';

const common = { category: 'test', description: 'schema for import tests', version: 1, idempotent: true } as const;

const checkpointOutputs = {
  MODEL: { name: 'MODEL', type: 'MODEL' },
  CLIP: { name: 'CLIP', type: 'CLIP' },
  VAE: { name: 'VAE', type: 'VAE' },
} as const;

/** Our LoadCheckpoint; `outputOrder` lets a test give it outputs in another order than ComfyUI's. */
export function loadCheckpointDefinition(outputOrder: readonly (keyof typeof checkpointOutputs)[] = ['MODEL', 'CLIP', 'VAE']): AnyNodeDefinition {
  return defineNode({
    schema: {
      ...common,
      type: 'LoadCheckpoint',
      displayName: 'Load Checkpoint',
      outputNode: false,
      inputs: [{ name: 'model', kind: 'STRING', default: 'tiny-sd', multiline: false }],
      outputs: outputOrder.map((type) => checkpointOutputs[type]),
    },
    execute: ({ model }) => ({ outputs: outputOrder.map(() => model) }),
  });
}

const textEncode = defineNode({
  schema: {
    ...common,
    type: 'TextEncode',
    displayName: 'Text Encode',
    outputNode: false,
    inputs: [
      { name: 'clip', kind: 'socket', type: 'CLIP' },
      { name: 'text', kind: 'STRING', default: '', multiline: true },
    ],
    outputs: [{ name: 'CONDITIONING', type: 'CONDITIONING' }],
  },
  execute: ({ text }) => ({ outputs: [text] }),
});

const emptyLatentImage = defineNode({
  schema: {
    ...common,
    type: 'EmptyLatentImage',
    displayName: 'Empty Latent Image',
    outputNode: false,
    inputs: [
      { name: 'width', kind: 'INT', default: 512, min: 64, max: 8192, step: 8 },
      { name: 'height', kind: 'INT', default: 512, min: 64, max: 8192, step: 8 },
      { name: 'batch_size', kind: 'INT', default: 1, min: 1, max: 64, step: 1 },
    ],
    outputs: [{ name: 'LATENT', type: 'LATENT' }],
  },
  execute: ({ width, height, batch_size }) => ({ outputs: [{ width, height, batch_size }] }),
});

const samplerSockets: Record<'model' | 'positive' | 'negative' | 'latent', InputSpec> = {
  model: { name: 'model', kind: 'socket', type: 'MODEL' },
  positive: { name: 'positive', kind: 'socket', type: 'CONDITIONING' },
  negative: { name: 'negative', kind: 'socket', type: 'CONDITIONING' },
  latent: { name: 'latent', kind: 'socket', type: 'LATENT' },
};

/** Our Sampler; `socketOrder` lets a test give it an input order unlike KSampler's. */
export function samplerDefinition(socketOrder: readonly (keyof typeof samplerSockets)[] = ['model', 'positive', 'negative', 'latent']): AnyNodeDefinition {
  return defineNode({
    schema: {
      ...common,
      type: 'Sampler',
      displayName: 'Sampler',
      outputNode: false,
      inputs: [
        ...socketOrder.map((name) => samplerSockets[name]),
        { name: 'seed', kind: 'SEED', default: 0, controlDefault: 'randomize' },
        { name: 'steps', kind: 'INT', default: 20, min: 1, max: 1000, step: 1 },
        { name: 'cfg', kind: 'FLOAT', default: 7, min: 0, max: 100, step: 0.1 },
        { name: 'sampler', kind: 'COMBO', options: SAMPLER_NAMES, default: 'euler' },
        { name: 'scheduler', kind: 'COMBO', options: SCHEDULE_NAMES, default: 'normal' },
        { name: 'denoise', kind: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
      ],
      outputs: [{ name: 'LATENT', type: 'LATENT' }],
    },
    execute: (inputs) => ({ outputs: [inputs] }),
  });
}

const vaeDecode = defineNode({
  schema: {
    ...common,
    type: 'VAEDecode',
    displayName: 'VAE Decode',
    outputNode: false,
    inputs: [
      { name: 'samples', kind: 'socket', type: 'LATENT' },
      { name: 'vae', kind: 'socket', type: 'VAE' },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE' }],
  },
  execute: ({ samples }) => ({ outputs: [samples] }),
});

const saveImage = defineNode({
  schema: {
    ...common,
    type: 'SaveImage',
    displayName: 'Save Image',
    outputNode: true,
    inputs: [
      { name: 'images', kind: 'socket', type: 'IMAGE' },
      { name: 'filename_prefix', kind: 'STRING', default: 'ScaleCrafter', multiline: false },
    ],
    outputs: [],
  },
  execute: ({ filename_prefix }) => ({ outputs: [], ui: { filename_prefix } }),
});

const previewImage = defineNode({
  schema: {
    ...common,
    type: 'PreviewImage',
    displayName: 'Preview Image',
    outputNode: true,
    inputs: [{ name: 'images', kind: 'socket', type: 'IMAGE' }],
    outputs: [],
  },
  execute: () => ({ outputs: [], ui: {} }),
});

/** A registry of every import target; a test may swap in variants, or leave the Sampler out (null). */
export function targetRegistry(variants: { sampler?: AnyNodeDefinition | null; loadCheckpoint?: AnyNodeDefinition } = {}): NodeRegistry {
  const { sampler = samplerDefinition(), loadCheckpoint = loadCheckpointDefinition() } = variants;
  const definitions = [loadCheckpoint, textEncode, emptyLatentImage, vaeDecode, saveImage, previewImage] as AnyNodeDefinition[];
  return new NodeRegistry(sampler ? [...definitions, sampler] : definitions);
}
