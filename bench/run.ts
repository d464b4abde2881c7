/**
 * `npm run bench`: the benchmarks that run on this machine's CPU, one after another, each printing
 * its table and writing it under bench/results/. The GPU part is bench/gpu.sh (an NVIDIA machine).
 */
import { execFileSync } from 'node:child_process';

const benches: Array<[string, string[]]> = [
  ['pipeline end to end, previews and schedule edits', ['bench/pipeline-cpu.ts']],
  ['ScaleCrafter control overhead (tiny UNet and a wide conv stack)', ['bench/scalecrafter-overhead.ts', '--quick']],
  ['UNet step variants, tiny model', ['bench/unet-step.ts', '--model', 'tiny', '--sizes', '256,512', '--device', 'cpu']],
  ['tiled vs whole VAE decode', ['bench/vae-tiling.ts', '--sizes', '256,512']],
  ['engine process under load: 50 tiny-sd jobs at once, 20 random cancels/interrupts, memory after 5 vs 55 jobs', ['bench/engine-load.ts']],
  ['fp32 SD 1.5 UNet: peak memory re-dilated vs off, session start-up with and without the optimised-model cache (3.4 GB scratch, ~15 min)', ['bench/unet-memory-startup.ts']],
];

for (const [title, script] of benches) {
  console.log(`\n=== ${title} ===`);
  execFileSync(process.execPath, ['--import', 'tsx', ...script], { stdio: 'inherit', env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
}
