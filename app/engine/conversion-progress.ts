/**
 * Progress of a conversion a loader node runs on first use (a checkpoint or VAE file into ONNX
 * graphs): one info line when the work starts, naming what is converted into where, then the
 * node's progress bar. Nothing is said when the cached result is reused (no progress comes).
 */
import type { NodeContext } from './node-definition.js';

export function conversionProgress(context: NodeContext, file: string, folder: string): (done: number, total: number) => void {
  let announced = false;
  return (done, total) => {
    if (!announced) context.message('info', `converting ${file} into ${folder} (first use, or the file changed)`);
    announced = true;
    context.progress(done, total);
  };
}
