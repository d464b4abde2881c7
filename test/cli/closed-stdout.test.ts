/**
 * The real CLI writing into a pipe whose reader is gone (`scalecrafter schedule --json | head`):
 * it exits quietly, with status 0 and nothing on stderr, instead of an unhandled EPIPE.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli-process.js';

describe('scalecrafter with its stdout closed early', () => {
  for (const args of [['schedule', '--preset', 'sd1.5_2048x2048', '--json'], ['nodes']]) {
    test(`${args.join(' ')} exits quietly`, async () => {
      // The read end closes before the CLI (tsx start-up: about a second) writes its first byte.
      const result = await runCli(args, { closeStdout: true });
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
    });
  }

  test('the same commands write to an open pipe as before (the handler changes nothing else)', async () => {
    const result = await runCli(['schedule', '--preset', 'sd1.5_2048x2048', '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { steps: number }).steps, 50);
  });
});
