/**
 * What the benchmarks need to know about the machine: the name result files carry (the NVIDIA
 * card's, from nvidia-smi, or the CPU's) and the GPU's memory in use sampled while a case runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';

/** Whole-device memory.used (MiB), sampled every 50 ms; null without an NVIDIA GPU. */
export class GpuMemoryProbe {
  #peak = 0;
  readonly #child;
  constructor() {
    this.#child = spawn('nvidia-smi', ['--query-gpu=memory.used', '--format=csv,noheader,nounits', '-lms', '50'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.#child.on('error', () => undefined);
    this.#child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.#peak = Math.max(this.#peak, Number(line));
    });
  }
  resetPeak(): void {
    this.#peak = 0;
  }
  /**
   * The highest sample so far. ONNX Runtime blocks the event loop while it runs, so samples taken
   * during a run queue up in the pipe; a short pause lets them in before reading.
   */
  async settledPeakMiB(): Promise<number | null> {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return this.#peak > 0 ? this.#peak : null;
  }
  stop(): void {
    this.#child.kill();
  }
}

/** This machine's CPU as a file-name stem ("cpu-2core-AMD-EPYC"). */
export function cpuMachineName(): string {
  return `cpu-${cpus().length}core-${(cpus()[0]?.model ?? 'unknown').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

/** The first NVIDIA GPU's name, or the CPU's, as a file-name stem ("NVIDIA-H100-80GB-HBM3"). */
export function machineName(): string {
  try {
    const gpu = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { encoding: 'utf8' }).trim().split('\n')[0]!;
    if (gpu) return gpu.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
  } catch {
    // no NVIDIA GPU: name the CPU
  }
  return cpuMachineName();
}
