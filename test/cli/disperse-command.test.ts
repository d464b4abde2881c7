import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerDisperseCommand } from '../../app/cli/commands/disperse.js';
import { DISPERSION_CACHE_FILE } from '../../app/scalecrafter/dispersion-cache.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'scalecrafter-disperse-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

async function disperse(args: readonly string[]): Promise<string> {
  let out = '';
  const program = new Command('scalecrafter')
    .exitOverride()
    .configureOutput({ writeOut: (text) => (out += text), writeErr: () => undefined });
  registerDisperseCommand(program);
  await program.parseAsync(['disperse', '--cache-dir', cacheDir, ...args], { from: 'user' });
  return out;
}

describe('scalecrafter disperse', () => {
  test('--json prints R (3 → 5, s = 2, η = 0.05 by default) and caches it in --cache-dir', async () => {
    const result = JSON.parse(await disperse(['--json'])) as { rows: number; columns: number; matrix: number[][] };
    assert.deepEqual([result.rows, result.columns, result.matrix.length], [25, 9, 25]);
    const published = [0.022974, -0.143315, 0.022974, -0.143315, 1, -0.143315, 0.022974, -0.143315, 0.022974];
    published.forEach((value, column) => assert.ok(Math.abs(result.matrix[12]![column]! - value) < 1e-5));
    assert.ok(existsSync(join(cacheDir, DISPERSION_CACHE_FILE)));
  });

  test('text mode labels kernel positions and shows the dispersed all-ones kernel', async () => {
    const text = await disperse(['--from', '3', '--to', '5', '--eta', '0.05', '--scale', '2']);
    assert.match(text, /R: 25×9, 3×3 → 5×5/);
    assert.match(text, /\(2,2\)\s+0\.022974\s+-0\.143315\s+0\.022974\s+-0\.143315\s+1\.000000/);
    assert.match(text, /Dispersed all-ones 3×3 kernel:\n(\s+-?\d\.\d{6}){5}\n/);
  });

  test('other sizes and factors work: 3 → 7 at s = 3 is 49×9', async () => {
    const result = JSON.parse(await disperse(['--to', '7', '--scale', '3', '--json'])) as { rows: number; columns: number };
    assert.deepEqual([result.rows, result.columns], [49, 9]);
  });

  test('impossible parameters fail with a message naming them', async () => {
    // A problem with the values reaches the program's one reporter (cli/main.ts) as a UserFacingError.
    await assert.rejects(disperse(['--from', '5', '--to', '3']), (error: unknown) => error instanceof UserFacingError && /got 5 → 3/.test(error.message));
    await assert.rejects(disperse(['--from', '4']), { code: 'commander.invalidArgument' });
    await assert.rejects(disperse(['--eta', '-1']), { code: 'commander.invalidArgument' });
  });
});
