/** torch.nn.Linear: y = x Wᵀ + b over the last axis, W in torch's [out, in] layout. */
import { NdArray, zeros } from './ndarray.js';

export function linear(x: NdArray, weight: NdArray, bias?: NdArray): NdArray {
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (weight.shape.length !== 2) throw new RangeError(`linear: weight must be [out, in], got [${weight.shape.join(', ')}]`);
  if (x.shape[x.shape.length - 1] !== inFeatures) {
    throw new RangeError(`linear: input [${x.shape.join(', ')}] does not end in ${inFeatures} features`);
  }
  if (bias !== undefined && bias.size !== outFeatures) throw new RangeError(`linear: bias needs ${outFeatures} values`);
  const rows = x.size / inFeatures;
  const out = zeros([...x.shape.slice(0, -1), outFeatures]);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outFeatures; o++) {
      let sum = bias === undefined ? 0 : bias.data[o]!;
      for (let i = 0; i < inFeatures; i++) sum += x.data[r * inFeatures + i]! * weight.data[o * inFeatures + i]!;
      out.data[r * outFeatures + o] = sum;
    }
  }
  return out;
}
