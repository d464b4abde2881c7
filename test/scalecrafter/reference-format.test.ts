import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDilateSettings, parseModuleList, parseReferenceConfigYaml } from '../../app/scalecrafter/reference-format.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

describe('parseReferenceConfigYaml', () => {
  test('reads the scalars of the reference configs as OmegaConf does', () => {
    const yaml = parseReferenceConfigYaml(
      'ndcfg_tau: 35\ndilate_settings: ./assets/dilate_settings/a.txt\nndcfg_dilate_settings: ~\nprogressive: true\neta: 0.05\n',
      'x.yaml',
    );
    assert.deepEqual(yaml, {
      ndcfg_tau: 35,
      dilate_settings: './assets/dilate_settings/a.txt',
      ndcfg_dilate_settings: null,
      progressive: true,
      eta: 0.05,
    });
    assert.deepEqual(Object.keys(yaml), ['ndcfg_tau', 'dilate_settings', 'ndcfg_dilate_settings', 'progressive', 'eta']);
  });

  test('rejects nesting, lists and duplicates with the file and line', () => {
    assert.throws(() => parseReferenceConfigYaml('a: 1\n  b: 2', 'c.yaml'), /c\.yaml:2: expected "key: scalar"/);
    assert.throws(() => parseReferenceConfigYaml('a: [1, 2]', 'c.yaml'), UserFacingError);
    assert.throws(() => parseReferenceConfigYaml('a: 1\na: 2', 'c.yaml'), /c\.yaml:2: duplicate key "a"/);
  });
});

describe('parseDilateSettings', () => {
  test('reads module:dilation lines, fractional values, CRLF and blank lines', () => {
    assert.deepEqual(parseDilateSettings('down_blocks.1.resnets.0.conv1:2.5\r\nmid_block.resnets.0.conv1: 4 \n\n', 'd.txt'), [
      { conv: 'down_blocks.1.resnets.0.conv1', dilation: 2.5 },
      { conv: 'mid_block.resnets.0.conv1', dilation: 4 },
    ]);
  });

  test('rejects malformed lines and dilations below 1', () => {
    assert.throws(() => parseDilateSettings('a.b.c', 'd.txt'), /d\.txt:1: expected "module\.path:dilation"/);
    assert.throws(() => parseDilateSettings('ok:2\na:b:3', 'd.txt'), /d\.txt:2/);
    assert.throws(() => parseDilateSettings('a:x', 'd.txt'), UserFacingError);
    assert.throws(() => parseDilateSettings('a:0.5', 'd.txt'), /below 1/);
  });
});

describe('parseModuleList', () => {
  test('strips lines and drops blanks, as read_module_list does', () => {
    assert.deepEqual(parseModuleList(' a.b \nc.d\n\n'), ['a.b', 'c.d']);
  });
});
