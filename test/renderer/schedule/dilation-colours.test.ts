import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DILATION_STOPS, dilationColour, dilationLabel, legendLabel, type Rgb } from '../../../renderer/src/schedule/dilation-colours.js';

const distance = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

describe('dilation colour scale', () => {
  test('integer dilations get their stop colour exactly', () => {
    for (const stop of DILATION_STOPS) assert.deepEqual(dilationColour(stop.value), stop.rgb);
  });

  test('fractional dilations are interpolated channel by channel (to the nearest integer) and differ from both neighbours', () => {
    const [one, two] = [DILATION_STOPS[0]!.rgb, DILATION_STOPS[1]!.rgb];
    const expected = [0, 1, 2].map((channel) => Math.round(one[channel]! + 0.25 * (two[channel]! - one[channel]!)));
    assert.deepEqual(dilationColour(1.25), expected);
    for (const value of [1.5, 2.5, 3.5]) {
      const colour = dilationColour(value);
      assert.ok(distance(colour, dilationColour(Math.floor(value))) > 20, `${value} must be told apart from ${Math.floor(value)}`);
      assert.ok(distance(colour, dilationColour(Math.ceil(value))) > 20, `${value} must be told apart from ${Math.ceil(value)}`);
    }
  });

  test('walking up the scale moves steadily away from plain (no colour repeats)', () => {
    let previous = -1;
    for (let value = 1; value <= 4; value += 0.25) {
      const away = distance(dilationColour(value), dilationColour(1));
      assert.ok(away > previous, `colour at ${value} is not further from ×1 than at ${value - 0.25}`);
      previous = away;
    }
  });

  test('values at or below 1 read as plain; 4 and above share the top colour', () => {
    assert.deepEqual(dilationColour(0.5), dilationColour(1));
    assert.deepEqual(dilationColour(Number.NaN), dilationColour(1));
    assert.deepEqual(dilationColour(8), dilationColour(4));
    assert.equal(legendLabel(4), '×4+');
    assert.equal(legendLabel(1.5), '×1.5');
    assert.equal(dilationLabel(1), '×1 (plain)');
    assert.equal(dilationLabel(2.3333333), '×2.33');
  });
});
