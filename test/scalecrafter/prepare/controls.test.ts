import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serializeModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession } from '../../../app/runtime/session.js';
import { dilationTable } from '../../../app/scalecrafter/dilation-table.js';
import { DEFAULT_DISPERSION_PARAMS } from '../../../app/scalecrafter/dispersion-transform.js';
import { checkDispersionFits, controlFeeds, offControlFeeds, stepControlFeeds } from '../../../app/scalecrafter/prepare/controls.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import {
  DILATION_INPUT, DISPERSION_INPUT, isPreparedUnet, layoutMetadata, PREPARED_FORMAT_VERSION, readPreparedUnetLayout, type PreparedUnetLayout,
} from '../../../app/scalecrafter/prepare/prepared-unet-format.js';
import type { ScaleCrafterSchedule } from '../../../app/scalecrafter/schedule.js';
import { singleConvModel } from './conv-models.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const LAYOUT: PreparedUnetLayout = {
  version: PREPARED_FORMAT_VERSION,
  convs: ['up_blocks.0.resnets.0.conv2', 'mid_block.resnets.0.conv1', 'down_blocks.1.resnets.0.conv1', 'down_blocks.0.resnets.0.conv1'],
  dispersion: DEFAULT_DISPERSION_PARAMS,
};

/** 4 steps: re-dilation and dispersion over the first half, noise-damped CFG over the first quarter. */
const SCHEDULE: ScaleCrafterSchedule = {
  redilation: { kind: 'constant', convs: [{ conv: 'down_blocks.1.resnets.0.conv1', dilation: 2 }, { conv: 'mid_block.resnets.0.conv1', dilation: 2.5 }], steps: { start: 0, end: 0.5 } },
  noiseDampedGuidance: { kind: 'constant', convs: [{ conv: 'mid_block.resnets.0.conv1', dilation: 1.5 }], steps: { start: 0, end: 0.25 } },
  dispersion: { kind: 'dispersed', convs: ['up_blocks.0.resnets.0.conv2'], transform: DEFAULT_DISPERSION_PARAMS, steps: { start: 0, end: 0.5 } },
};
// The table's rows in another order than the model's control vector: feeds must map by name.
const TABLE = dilationTable(SCHEDULE, [...LAYOUT.convs].reverse(), 4);

const values = (feeds: Record<string, HostTensor>) => ({
  dilation: Array.from(feeds[DILATION_INPUT]!.data as Float64Array),
  dispersion: Array.from(feeds[DISPERSION_INPUT]!.data as Uint8Array),
});

describe('control feeds of a prepared UNet', () => {
  test('off: every dilation 1, nothing dispersed, one entry per prepared conv', () => {
    const feeds = offControlFeeds(LAYOUT);
    assert.deepEqual(values(feeds), { dilation: [1, 1, 1, 1], dispersion: [0, 0, 0, 0] });
    assert.deepEqual([feeds[DILATION_INPUT]!.type, feeds[DISPERSION_INPUT]!.type], ['float64', 'bool']);
  });

  test('a step of a dilation table: guided pass, noise-damped base pass, dispersion in both; in the model\'s conv order', () => {
    assert.deepEqual(values(stepControlFeeds(LAYOUT, TABLE, 0, 'main')), { dilation: [1, 2.5, 2, 1], dispersion: [1, 0, 0, 0] });
    assert.deepEqual(values(stepControlFeeds(LAYOUT, TABLE, 0, 'noiseDampedBase')), { dilation: [1, 1.5, 1, 1], dispersion: [1, 0, 0, 0] });
    assert.deepEqual(values(stepControlFeeds(LAYOUT, TABLE, 1, 'main')), { dilation: [1, 2.5, 2, 1], dispersion: [1, 0, 0, 0] });
    assert.deepEqual(values(stepControlFeeds(LAYOUT, TABLE, 3, 'main')), { dilation: [1, 1, 1, 1], dispersion: [0, 0, 0, 0] });
  });

  test('errors name the step, the pass or the conv', () => {
    assert.throws(() => stepControlFeeds(LAYOUT, TABLE, 2, 'noiseDampedBase'), /step 2: noise-damped guidance is not active/);
    assert.throws(() => stepControlFeeds(LAYOUT, TABLE, 4, 'main'), /step 4 is outside the table's 4 steps/);
    assert.throws(() => controlFeeds(LAYOUT, new Map([['mid_block.resnets.0.conv1', { dilation: 0.5, dispersed: false }]])), /dilation 0.5 for conv mid_block\.resnets\.0\.conv1 must be a finite number ≥ 1/);
    assert.throws(() => controlFeeds(LAYOUT, new Map([['mid_block.resnets.0.conv1', { dilation: Number.NaN, dispersed: false }]])), UserFacingError);
    const otherTable = dilationTable(SCHEDULE, [...LAYOUT.convs, 'up_blocks.3.resnets.0.conv1'], 4);
    const withUnknown = { ...otherTable, perStep: otherTable.perStep.map((step) => ({ ...step, main: step.main.map((value, index) => (index === 4 ? 2 : value)) })) };
    assert.throws(() => stepControlFeeds(LAYOUT, withUnknown, 0, 'main'), /step 0, main pass: conv up_blocks\.3\.resnets\.0\.conv1 is not among the 4 convs/);
  });

  test('a schedule dispersing with another η than the UNet was prepared with is refused', () => {
    assert.doesNotThrow(() => checkDispersionFits(LAYOUT, SCHEDULE.dispersion));
    const other = { ...SCHEDULE.dispersion, transform: { ...DEFAULT_DISPERSION_PARAMS, eta: 0.1 } } as const;
    assert.throws(() => checkDispersionFits(LAYOUT, other), /prepared with 3→5, s = 2, η = 0.05; prepare it again with `scalecrafter models prepare --eta 0.1`/);
  });
});

describe('prepared-UNet metadata', () => {
  test('layout round-trips through metadata; malformed or missing metadata is reported', () => {
    assert.deepEqual(readPreparedUnetLayout(layoutMetadata(LAYOUT)), LAYOUT);
    assert.throws(() => readPreparedUnetLayout([]), /not prepared for ScaleCrafter/);
    const entries = layoutMetadata(LAYOUT).map((entry) => (entry.key === 'scalecrafter.convs' ? { ...entry, value: '["a", "a"]' } : entry));
    assert.throws(() => readPreparedUnetLayout(entries), UserFacingError);
    const withVersion = (version: string) => layoutMetadata(LAYOUT).map((entry) => (entry.key === 'scalecrafter.version' ? { ...entry, value: version } : entry));
    assert.throws(() => readPreparedUnetLayout(withVersion('3')), /version 3 is not supported/);
    // Version 1 took the dilations as float32: such a model cannot take this build's float64 feed.
    assert.throws(() => readPreparedUnetLayout(withVersion('1')), /version 1 is not supported.*prepare the original UNet again/);
  });

  test('isPreparedUnet on models and on open sessions', async () => {
    const { model } = singleConvModel({ modulePath: 'mid_block.resnets.1.conv1', stride: 1, inChannels: 2, outChannels: 2, seed: 3 });
    const prepared = prepareUnet(model).model;
    const [plainSession, preparedSession] = await Promise.all([model, prepared].map((m) => openSession(serializeModel(m), { executionProvider: 'cpu' })));
    try {
      assert.deepEqual([isPreparedUnet(model), isPreparedUnet(prepared), isPreparedUnet(plainSession!), isPreparedUnet(preparedSession!)], [false, true, false, true]);
    } finally {
      await Promise.all([plainSession!.release(), preparedSession!.release()]);
    }
  });
});
