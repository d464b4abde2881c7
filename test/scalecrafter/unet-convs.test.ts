import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REFERENCE_FILES } from '../../app/scalecrafter/reference-presets/reference-files.generated.js';
import { candidateConvNames, convLocation, SD_UNET_LAYOUT, SDXL_UNET_LAYOUT } from '../../app/scalecrafter/unet-convs.js';

describe('candidate convs', () => {
  test('the SD 1.5/2.1 layout yields exactly the reference all_valid_convs.txt, in order (50 convs)', () => {
    const reference = REFERENCE_FILES.moduleLists['dilate_settings/all_valid_convs.txt'];
    assert.deepEqual(candidateConvNames(SD_UNET_LAYOUT), reference);
    assert.equal(candidateConvNames(SD_UNET_LAYOUT).length, 50);
  });

  test('SDXL has 38: no down_blocks.3 / up_blocks.3, no D2 downsampler, no U2 upsampler', () => {
    const sdxl = candidateConvNames(SDXL_UNET_LAYOUT);
    assert.equal(sdxl.length, 38);
    const sd = new Set(candidateConvNames(SD_UNET_LAYOUT));
    assert.ok(sdxl.every((conv) => sd.has(conv)));
    const missing = [...sd].filter((conv) => !sdxl.includes(conv));
    assert.ok(missing.every((conv) => /^(down_blocks\.3|up_blocks\.3)\./.test(conv) || conv === 'down_blocks.2.downsamplers.0.conv' || conv === 'up_blocks.2.upsamplers.0.conv'));
    assert.equal(missing.length, 12);
  });

  test('convLocation names the block and part; other modules are not candidates', () => {
    assert.deepEqual(convLocation('down_blocks.2.downsamplers.0.conv'), { block: 'down_blocks.2', part: 'downsamplers' });
    assert.deepEqual(convLocation('mid_block.resnets.1.conv2'), { block: 'mid_block', part: 'resnets' });
    assert.deepEqual(convLocation('up_blocks.0.resnets.2.conv1'), { block: 'up_blocks.0', part: 'resnets' });
    assert.equal(convLocation('conv_in'), null);
    assert.equal(convLocation('down_blocks.1.resnets.0.conv_shortcut'), null);
  });
});
