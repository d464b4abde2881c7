import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { groupConvsByBlock } from '../../../renderer/src/schedule/conv-groups.js';
import { axisTicks, cellAt, HEAT_MAP_METRICS, heatMapLayout } from '../../../renderer/src/schedule/heat-map-layout.js';

const convs = ['down_blocks.1.a', 'down_blocks.1.b', 'mid_block.a', 'up_blocks.0.a', 'up_blocks.0.b', 'up_blocks.0.c'];

describe('heat map layout', () => {
  test('the centre of every cell hits that cell, and steps fill the width right of the labels', () => {
    const layout = heatMapLayout(groupConvsByBlock(convs), 20, 316);
    assert.equal(layout.gridLeft + layout.cellWidth * 20, 316);
    for (let conv = 0; conv < convs.length; conv += 1) {
      for (let step = 0; step < 20; step += 1) {
        const x = layout.gridLeft + (step + 0.5) * layout.cellWidth;
        const y = layout.rowTops[conv]! + layout.rowHeight / 2;
        assert.deepEqual(cellAt(layout, x, y), { conv, step });
      }
    }
  });

  test('labels, the axis, the gaps between blocks and anything outside hit no cell', () => {
    const layout = heatMapLayout(groupConvsByBlock(convs), 20, 316);
    const inside = layout.gridLeft + 1;
    assert.equal(cellAt(layout, layout.gridLeft - 1, layout.rowTops[0]! + 1), null);
    assert.equal(cellAt(layout, inside, layout.gridTop - 1), null);
    // Between down 1 (rows 0–1) and mid (row 2).
    assert.equal(cellAt(layout, inside, layout.rowTops[1]! + layout.rowHeight + HEAT_MAP_METRICS.groupGap / 2), null);
    assert.equal(cellAt(layout, 316, layout.rowTops[0]! + 1), null);
    assert.equal(cellAt(layout, inside, layout.height), null);
    assert.equal(layout.height, layout.rowTops[5]! + layout.rowHeight);
  });

  test('rows shrink for big UNets so the map stays within its height budget, never below the minimum', () => {
    const many = Array.from({ length: 200 }, (_, index) => `up_blocks.${index % 4}.resnets.${index}.conv1`).sort();
    const layout = heatMapLayout(groupConvsByBlock(many), 50, 316);
    assert.ok(layout.rowHeight < HEAT_MAP_METRICS.rowHeight);
    assert.equal(layout.rowHeight, HEAT_MAP_METRICS.minRowHeight);
    const few = heatMapLayout(groupConvsByBlock(convs), 50, 316);
    assert.equal(few.rowHeight, HEAT_MAP_METRICS.rowHeight);
  });

  test('axis ticks: first and last step always, round steps between, never crowded', () => {
    for (const [steps, cellWidth] of [[20, 13.4], [50, 5.4], [1000, 0.27], [3, 80]] as const) {
      const ticks = axisTicks(steps, cellWidth);
      assert.equal(ticks[0], 1);
      assert.equal(ticks.at(-1), steps);
      for (let index = 1; index < ticks.length; index += 1) assert.ok((ticks[index]! - ticks[index - 1]!) * cellWidth >= 22, `${ticks} crowd at ${cellWidth}px`);
    }
    assert.deepEqual(axisTicks(1, 300), [1]);
  });
});
