/**
 * Every reference preset against the table of docs/scalecrafter-method.md §5, written out here by block
 * (D* = down_blocks.*, M = mid_block, U* = up_blocks.*, ds/us = the block's resampler conv), at
 * 50 steps and rescaled to 25 and 30 steps.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dilationTable } from '../../app/scalecrafter/dilation-table.js';
import { MODEL_FAMILIES, nearestPreset, presetByName, SCALECRAFTER_PRESETS, type ModelFamily } from '../../app/scalecrafter/presets.js';
import { candidateConvNames } from '../../app/scalecrafter/unet-convs.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

type Blocks = Readonly<Record<string, number>>;

interface ExpectedPreset {
  readonly family: ModelFamily;
  readonly width: number;
  readonly height: number;
  readonly dilateTau: number;
  readonly ndcfgTau: number;
  readonly progressive: boolean;
  readonly main: Blocks;
  /** Effective ND-CFG base dilations (only checked while ND-CFG is active). */
  readonly ndcfg: Blocks;
}

const SD_2X: Blocks = { D1: 2, D1ds: 2, D2: 2, D2ds: 2, D3: 2, M: 2, U0: 2, U0us: 2, U1: 2, U1us: 2, U2: 2, U2us: 2 };
const SD_2_5X: Blocks = Object.fromEntries(Object.keys(SD_2X).map((block) => [block, 2.5]));
const SD_PROGRESSIVE: Blocks = { D1: 2, D1ds: 2, D2: 3, D2ds: 3, D3: 4, M: 4, U0: 4, U0us: 4, U1: 3, U1us: 3, U2: 2, U2us: 2 };
const SD15_NDCFG: Blocks = { D2: 3, D2ds: 3, D3: 4, M: 4, U0: 4, U0us: 4, U1: 3, U1us: 3 };
const SD21_2048_NDCFG: Blocks = { D2: 3, D2ds: 4, D3: 4, M: 4, U0: 4, U0us: 4, U1: 4, U1us: 4, U2: 3, U2us: 3 };
const SDXL_NDCFG: Blocks = { M: 2, U0: 2, U0us: 2 };

const EXPECTED: Readonly<Record<string, ExpectedPreset>> = {
  'sd1.5_1024x1024': { family: 'sd1.5', width: 1024, height: 1024, dilateTau: 30, ndcfgTau: 0, progressive: false, main: SD_2X, ndcfg: {} },
  'sd1.5_1280x1280': { family: 'sd1.5', width: 1280, height: 1280, dilateTau: 35, ndcfgTau: 0, progressive: false, main: SD_2_5X, ndcfg: {} },
  'sd1.5_2048x1024': { family: 'sd1.5', width: 2048, height: 1024, dilateTau: 35, ndcfgTau: 35, progressive: true, main: SD_PROGRESSIVE, ndcfg: SD15_NDCFG },
  'sd1.5_2048x2048': { family: 'sd1.5', width: 2048, height: 2048, dilateTau: 35, ndcfgTau: 35, progressive: true, main: SD_PROGRESSIVE, ndcfg: SD15_NDCFG },
  'sd2.1_1024x1024': { family: 'sd2.1', width: 1024, height: 1024, dilateTau: 20, ndcfgTau: 0, progressive: false, main: SD_2X, ndcfg: {} },
  'sd2.1_1280x1280': { family: 'sd2.1', width: 1280, height: 1280, dilateTau: 30, ndcfgTau: 0, progressive: false, main: SD_2_5X, ndcfg: {} },
  'sd2.1_2048x1024': { family: 'sd2.1', width: 2048, height: 1024, dilateTau: 37, ndcfgTau: 0, progressive: true, main: SD_PROGRESSIVE, ndcfg: {} },
  'sd2.1_2048x2048': {
    family: 'sd2.1', width: 2048, height: 2048, dilateTau: 37, ndcfgTau: 37, progressive: true,
    main: { ...SD21_2048_NDCFG, U3: 2 }, ndcfg: SD21_2048_NDCFG,
  },
  'sdxl_2048x2048': { family: 'sdxl', width: 2048, height: 2048, dilateTau: 30, ndcfgTau: 0, progressive: false, main: { M: 2, U0: 2, U0us: 2 }, ndcfg: {} },
  'sdxl_2560x2560': { family: 'sdxl', width: 2560, height: 2560, dilateTau: 30, ndcfgTau: 0, progressive: false, main: { M: 2.5, U0: 2.5, U0us: 2.5 }, ndcfg: {} },
  'sdxl_4096x2048': {
    family: 'sdxl', width: 4096, height: 2048, dilateTau: 35, ndcfgTau: 35, progressive: true,
    main: { D2: 3, M: 4, U0: 4, U0us: 4, U1: 3, U1us: 3, U2: 2 }, ndcfg: SDXL_NDCFG,
  },
  'sdxl_4096x4096': {
    family: 'sdxl', width: 4096, height: 4096, dilateTau: 35, ndcfgTau: 35, progressive: true,
    main: { D2: 4, M: 4, U0: 4, U0us: 4, U1: 3, U1us: 3, U2: 2 }, ndcfg: SDXL_NDCFG,
  },
};

/** The block key of a conv in the notation above. */
function blockKey(conv: string): string {
  const match = /^(down_blocks|up_blocks|mid_block)\.?(\d*)\.(resnets|downsamplers|upsamplers)/.exec(conv);
  assert.ok(match, conv);
  const prefix = match[1] === 'mid_block' ? 'M' : `${match[1] === 'down_blocks' ? 'D' : 'U'}${match[2]}`;
  return prefix + (match[3] === 'downsamplers' ? 'ds' : match[3] === 'upsamplers' ? 'us' : '');
}

/**
 * Progressive values written out as inclusive step ranges: docs/scalecrafter-method.md §5 at 50 steps; at 25
 * and 30 steps worked out by hand from the rule with τ rescaled by ⌊τ·N/50 + ½⌋.
 */
const PROGRESSIVE_RANGES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  '50/35/4': [[8, 4], [17, 3], [34, 2]], '50/35/3': [[11, 3], [34, 2]], '50/35/2': [[34, 2]],
  '50/37/4': [[9, 4], [18, 3], [36, 2]], '50/37/3': [[12, 3], [36, 2]], '50/37/2': [[36, 2]],
  '25/35/4': [[4, 4], [8, 3], [17, 2]], '25/35/3': [[5, 3], [17, 2]], '25/35/2': [[17, 2]],
  '25/37/4': [[4, 4], [9, 3], [18, 2]], '25/37/3': [[6, 3], [18, 2]], '25/37/2': [[18, 2]],
  '30/35/4': [[5, 4], [10, 3], [20, 2]], '30/35/3': [[6, 3], [20, 2]], '30/35/2': [[20, 2]],
  '30/37/4': [[5, 4], [10, 3], [21, 2]], '30/37/3': [[7, 3], [21, 2]], '30/37/2': [[21, 2]],
};
/** Constant taus rescaled: 50 steps as given; 25 and 30 steps by ⌊τ·N/50 + ½⌋. */
const RESCALED_TAU: Readonly<Record<string, number>> = {
  '25/20': 10, '25/30': 15, '25/35': 18, '25/37': 19,
  '30/20': 12, '30/30': 18, '30/35': 21, '30/37': 22,
};

function expectedRun(base: number | undefined, tau: number, progressive: boolean, steps: number): number[] {
  const run = new Array<number>(steps).fill(1);
  if (base === undefined || tau === 0) return run;
  if (progressive) {
    const ranges = PROGRESSIVE_RANGES[`${steps}/${tau}/${base}`];
    assert.ok(ranges, `no hand-written progressive ranges for ${steps}/${tau}/${base}`);
    let first = 0;
    for (const [last, value] of ranges) for (; first <= last; first++) run[first] = value;
    return run;
  }
  const end = steps === 50 ? tau : RESCALED_TAU[`${steps}/${tau}`]!;
  return run.fill(base, 0, end);
}

function activeSteps(tau: number, steps: number): number {
  return steps === 50 || tau === 0 ? tau : RESCALED_TAU[`${steps}/${tau}`]!;
}

describe('reference presets match docs/scalecrafter-method.md §5', () => {
  test('every standard config of the table is a preset, plus the disperse and vanilla variants', () => {
    const standard = SCALECRAFTER_PRESETS.filter((preset) => preset.variant === 'standard').map((preset) => preset.name);
    assert.deepEqual(standard.sort(), Object.keys(EXPECTED).sort());
    assert.deepEqual(
      SCALECRAFTER_PRESETS.filter((preset) => preset.variant !== 'standard').map((preset) => preset.name).sort(),
      ['sd1.5_2048x2048_disperse', 'sd2.1_2048x2048_disperse', 'sdxl_4096x4096_disperse', 'sdxl_vanilla'],
    );
  });

  for (const steps of [50, 25, 30]) {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      test(`${name} at ${steps} steps`, () => {
        const preset = presetByName(name);
        assert.equal(preset.family, expected.family);
        assert.deepEqual([preset.width, preset.height], [expected.width, expected.height]);
        const candidates = candidateConvNames(MODEL_FAMILIES[preset.family].layout);
        const table = dilationTable(preset.schedule, candidates, steps);
        const ndcfgActive = activeSteps(expected.ndcfgTau, steps);
        table.convs.forEach((conv, index) => {
          const block = blockKey(conv);
          const main = table.perStep.map((controls) => controls.main[index]);
          assert.deepEqual(main, expectedRun(expected.main[block], expected.dilateTau, expected.progressive, steps), `main ${conv}`);
          const ndcfg = table.perStep.map((controls) => controls.noiseDampedBase?.[index] ?? null);
          const expectedNdcfg = expectedRun(expected.ndcfg[block], expected.ndcfgTau, expected.progressive, steps).map(
            (value, step) => (step < ndcfgActive ? value : null),
          );
          assert.deepEqual(ndcfg, expectedNdcfg, `ND-CFG ${conv}`);
          assert.ok(table.perStep.every((controls) => controls.dispersed[index] === false));
        });
      });
    }
  }

  test('a disperse variant schedules exactly as its standard preset; its listed dispersion is never active', () => {
    for (const [variant, base] of [
      ['sd1.5_2048x2048_disperse', 'sd1.5_2048x2048'],
      ['sd2.1_2048x2048_disperse', 'sd2.1_2048x2048'],
      ['sdxl_4096x4096_disperse', 'sdxl_4096x4096'],
    ] as const) {
      const preset = presetByName(variant);
      const candidates = candidateConvNames(MODEL_FAMILIES[preset.family].layout);
      const table = dilationTable(preset.schedule, candidates, 50);
      const baseTable = dilationTable(presetByName(base).schedule, candidates, 50);
      assert.deepEqual(table.perStep, baseTable.perStep);
      assert.deepEqual(table.ignored.redilation, baseTable.ignored.redilation);
      assert.equal(preset.schedule.dispersion.kind, 'dispersed');
    }
  });

  test('sdxl_vanilla changes nothing', () => {
    const table = dilationTable(presetByName('sdxl_vanilla').schedule, candidateConvNames(MODEL_FAMILIES.sdxl.layout), 50);
    assert.ok(table.perStep.every((controls) => controls.main.every((d) => d === 1) && controls.noiseDampedBase === null));
  });

  test('SDXL presets keep the raw lists but ignore the modules SDXL lacks', () => {
    const preset = presetByName('sdxl_4096x4096');
    assert.equal(preset.schedule.redilation.kind, 'progressive');
    if (preset.schedule.redilation.kind !== 'progressive') return;
    assert.equal(preset.schedule.redilation.convs.length, 34);
    const table = dilationTable(preset.schedule, candidateConvNames(MODEL_FAMILIES.sdxl.layout), 50);
    assert.deepEqual([...table.ignored.redilation].sort(), [
      'down_blocks.2.downsamplers.0.conv',
      'down_blocks.3.resnets.0.conv1',
      'down_blocks.3.resnets.0.conv2',
      'down_blocks.3.resnets.1.conv1',
      'down_blocks.3.resnets.1.conv2',
      'up_blocks.2.upsamplers.0.conv',
    ]);
    assert.equal(table.ignored.noiseDampedGuidance.length, 4);
  });

  test('unknown preset names fail with the list of known ones', () => {
    assert.throws(() => presetByName('sd3_1024x1024'), (error: unknown) => {
      assert.ok(error instanceof UserFacingError);
      assert.match(error.hint ?? '', /sd2\.1_2048x2048/);
      return true;
    });
  });
});

describe('nearest preset for custom sizes', () => {
  const pick = (family: ModelFamily, width: number, height: number) => {
    const choice = nearestPreset(family, width, height);
    return choice.kind === 'preset' ? choice.preset.name : `native ${choice.nativeSize}`;
  };

  test('exact sizes pick their own preset', () => {
    for (const [name, expected] of Object.entries(EXPECTED)) assert.equal(pick(expected.family, expected.width, expected.height), name);
  });

  test('sizes in between pick the nearest pixel count, either orientation', () => {
    assert.equal(pick('sd1.5', 1152, 1152), 'sd1.5_1024x1024'); // 1.33 Mpx: 0.28 from 1024², 0.31 from 1280²
    assert.equal(pick('sd1.5', 1536, 1536), 'sd1.5_2048x1024'); // 2.36 Mpx: 0.26 from 2048×1024
    assert.equal(pick('sd2.1', 1024, 2048), 'sd2.1_2048x1024');
    assert.equal(pick('sd2.1', 1792, 1792), 'sd2.1_2048x2048'); // 3.21 Mpx: 1.11 from 2.10, 0.98 from 4.19
  });

  test('sizes nearer the native resolution than any preset run unmodified', () => {
    assert.equal(pick('sd1.5', 512, 512), 'native 512');
    assert.equal(pick('sd1.5', 640, 640), 'native 512'); // 0.41 Mpx: 0.15 from 512², 0.64 from 1024²
    assert.equal(pick('sdxl', 1280, 1280), 'native 1024'); // 1.64 Mpx: 0.59 from 1024², 2.55 from 2048²
    assert.equal(pick('sdxl', 3072, 3072), 'sdxl_4096x2048'); // 9.44 Mpx: 1.05 from 8.39
  });

  test('ties go to the smaller pixel count', () => {
    // 512×2624 = 1 343 488 px, exactly between 1024² and 1280²; 640×1024 between 512² and 1024².
    assert.equal(pick('sd1.5', 512, 2624), 'sd1.5_1024x1024');
    assert.equal(pick('sd1.5', 640, 1024), 'native 512');
  });
});
