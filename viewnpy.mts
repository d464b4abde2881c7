import { readNpy } from './tools/train/npy-file.js';
import { composeGrid, upscaleNearest, writePng } from './bench/fidelity/image-ops.js';
const npy = await readNpy(process.argv[2]!);
const d = npy.data as Uint8Array;
const n = npy.shape[0]!;
const imgs = Array.from({ length: n }, (_, i) => upscaleNearest({ width: 32, height: 32, data: d.subarray(i * 3072, (i + 1) * 3072) }, 4));
await writePng(process.argv[3]!, composeGrid([imgs]));
