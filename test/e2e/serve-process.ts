/**
 * A real `scalecrafter serve` (the CLI, from source) on a free port, with a temporary output folder
 * and a temporary models folder holding the bundled emoji model's sources (built on first use, as
 * in a fresh checkout) — what a user starts, with nothing faked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emojiSourcesCopy } from '../support/emoji-model.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  url: string;
  outputDir: string;
  /** The models folder the server reads (a copy holding the emoji model's sources). */
  modelsDir: string;
  stop(): Promise<void>;
}

/** `modelsDir`: the models folder to serve (by default a copy of the emoji model's sources). */
export async function startServe(options: { modelsDir?: string } = {}): Promise<ServeProcess> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-e2e-out-'));
  const inputDir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-e2e-in-'));
  const modelsDir = options.modelsDir ?? emojiSourcesCopy();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'app/cli/main.ts'), 'serve', '--port', '0', '--out', outputDir, '--input', inputDir], {
    cwd: root,
    env: { ...process.env, SCALECRAFTER_MODELS_DIR: modelsDir, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  return {
    url,
    outputDir,
    modelsDir,
    // The models copy (36 MB once built) and the outputs go with the server.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).then(() => {
        rmSync(modelsDir, { recursive: true, force: true });
        rmSync(outputDir, { recursive: true, force: true });
      }),
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with code ${code} before listening:\n${output}`));
    });
  });
}
