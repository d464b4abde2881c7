/** Runs the real `scalecrafter` CLI (from source, through tsx) as a child process. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `closeStdout`: close the read end of the CLI's stdout at once, as `| head -c 0` would. */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; closeStdout?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${root}app/cli/main.ts`, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, ...options.env, FORCE_COLOR: '0' },
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
