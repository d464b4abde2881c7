import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blockLabel, blockOf, groupConvsByBlock } from '../../../renderer/src/schedule/conv-groups.js';

describe('conv rows grouped by UNet block', () => {
  test('numbered block lists keep their index; other modules are their own block', () => {
    assert.equal(blockOf('down_blocks.1.resnets.0.conv1'), 'down_blocks.1');
    assert.equal(blockOf('up_blocks.3.upsamplers.0.conv'), 'up_blocks.3');
    assert.equal(blockOf('mid_block.resnets.1.conv2'), 'mid_block');
    assert.equal(blockOf('conv_in'), 'conv_in');
    assert.deepEqual(['down_blocks.2', 'up_blocks.0', 'mid_block', 'conv_out'].map(blockLabel), ['down 2', 'up 0', 'mid', 'conv_out']);
  });

  test('consecutive convs of a block form one group with its first index and size, in table order', () => {
    const convs = [
      'conv_in',
      'down_blocks.0.resnets.0.conv1',
      'down_blocks.0.resnets.0.conv2',
      'down_blocks.0.downsamplers.0.conv',
      'mid_block.resnets.0.conv1',
      'mid_block.resnets.0.conv2',
      'up_blocks.0.resnets.0.conv1',
    ];
    assert.deepEqual(groupConvsByBlock(convs), [
      { block: 'conv_in', label: 'conv_in', start: 0, count: 1 },
      { block: 'down_blocks.0', label: 'down 0', start: 1, count: 3 },
      { block: 'mid_block', label: 'mid', start: 4, count: 2 },
      { block: 'up_blocks.0', label: 'up 0', start: 6, count: 1 },
    ]);
    // Every conv lands in exactly one group.
    const groups = groupConvsByBlock(convs);
    assert.equal(groups.reduce((sum, group) => sum + group.count, 0), convs.length);
  });

  test('a block that comes back after another one starts a new group (rows never move)', () => {
    const groups = groupConvsByBlock(['mid_block.a', 'up_blocks.0.a', 'mid_block.b']);
    assert.deepEqual(groups.map((group) => [group.block, group.start, group.count]), [['mid_block', 0, 1], ['up_blocks.0', 1, 1], ['mid_block', 2, 1]]);
    assert.deepEqual(groupConvsByBlock([]), []);
  });
});
