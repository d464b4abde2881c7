/**
 * Reads ONNX Runtime's session profile (Chrome trace JSON, written when a session opened with
 * `profileFilePrefix` is released) and splits it per `session.run()`: wall time, GPU kernel time
 * by ONNX op (the WebGPU EP's timestamp-query events, category "Api"), the time the GPU sat idle
 * within the run, and what ran on the host. An overhead that shows as GPU idle time is dispatch or
 * synchronisation; one that shows as kernel time is work. A GPU→host copy inside a run
 * (MemcpyToHost) makes the host wait for every queued kernel: the prepared UNet must have none.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string; provider?: string };
}

export interface RunProfile {
  wallMs: number;
  /** host time of the main graph's executor: dispatching every node, and running the CPU EP's */
  hostDispatchMs: number;
  /** GPU kernel time, all kernels */
  gpuKernelMs: number;
  /** wall time not covered by any GPU kernel (0 on the CPU EP, where there are none) */
  gpuIdleMs: number;
  /** GPU kernel time per ONNX op type of the node that issued it */
  gpuByOp: ReadonlyMap<string, number>;
  /** GPU time spent transposing Conv weights at run time (weights not pre-packed at load) */
  weightTransposeMs: number;
  nodesRun: number;
  controlFlowNodesRun: number;
  /** GPU→host copies ORT inserted (MemcpyToHost nodes run): each one drains the GPU queue */
  deviceToHostCopies: number;
}

/** The profile file ORT wrote for `prefix` (`<prefix>_<date>.json`), the newest if several. */
export function profileFileFor(prefix: string): string {
  const dir = path.dirname(prefix);
  const stem = `${path.basename(prefix)}_`;
  const files = readdirSync(dir).filter((name) => name.startsWith(stem) && name.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no ONNX Runtime profile for ${prefix} in ${dir}`);
  return path.join(dir, files.at(-1)!);
}

/** Length of the union of [start, end) intervals. */
function coveredLength(intervals: Array<[number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = -Infinity;
  for (const [start, end] of sorted) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

const within = (event: TraceEvent, run: TraceEvent) => event.ts >= run.ts && event.ts < run.ts + run.dur;
/** GPU kernels carry device timestamps that ORT maps onto the host clock; clip them to the run. */
const overlaps = (event: TraceEvent, run: TraceEvent) => event.ts < run.ts + run.dur && event.ts + event.dur > run.ts;

/** One entry per `session.run()` in the profile, in order. */
export function runProfiles(events: readonly TraceEvent[]): RunProfile[] {
  const runs = events.filter((event) => event.cat === 'Session' && event.name === 'model_run');
  return runs.map((run) => {
    const nodes = events.filter((event) => event.cat === 'Node' && event.name.endsWith('_kernel_time') && within(event, run));
    const kernels = events.filter((event) => event.cat === 'Api' && overlaps(event, run));
    // The outermost executor of the run starts first; nested ones (If branches) start inside it.
    const executors = events.filter((event) => event.cat === 'Session' && event.name === 'SequentialExecutor::Execute' && within(event, run));
    const mainExecutor = executors.reduce<TraceEvent | undefined>((first, event) => (first === undefined || event.ts < first.ts ? event : first), undefined);
    const gpuByOp = new Map<string, number>();
    let weightTransposeUs = 0;
    for (const kernel of kernels) {
      // "<node name>&<op type>&<program>": the op is what the model says, the program what ran.
      const [, opType = '?', program = '?'] = kernel.name.split('&');
      gpuByOp.set(opType, (gpuByOp.get(opType) ?? 0) + kernel.dur / 1000);
      if (opType === 'Conv' && program === 'Transpose') weightTransposeUs += kernel.dur;
    }
    const gpuKernelUs = kernels.reduce((sum, kernel) => sum + kernel.dur, 0);
    const busyUs = coveredLength(kernels.map((kernel) => [Math.max(kernel.ts, run.ts), Math.min(kernel.ts + kernel.dur, run.ts + run.dur)]));
    return {
      wallMs: run.dur / 1000,
      hostDispatchMs: (mainExecutor?.dur ?? 0) / 1000,
      gpuKernelMs: gpuKernelUs / 1000,
      gpuIdleMs: kernels.length === 0 ? 0 : (run.dur - busyUs) / 1000,
      gpuByOp,
      weightTransposeMs: weightTransposeUs / 1000,
      nodesRun: nodes.length,
      controlFlowNodesRun: nodes.filter((node) => ['If', 'Loop', 'Scan'].includes(node.args?.op_name ?? '')).length,
      deviceToHostCopies: nodes.filter((node) => node.args?.op_name === 'MemcpyToHost').length,
    };
  });
}

export function readRunProfiles(file: string): RunProfile[] {
  return runProfiles(JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[]);
}
