/**
 * Which convs a ReDilate / DisperseConv / NoiseDampedCFG node acts on, as users write it: one entry
 * per line, `module.path[:factor]`, in the reference settings-file format
 * (`down_blocks.1.resnets.0.conv1:2`) or shortened to a module prefix (`down_blocks.2:3` = every
 * candidate conv inside down_blocks.2; `mid_block` = the mid block at the default factor). Lines
 * starting with # are comments. Expanded against the UNet's own candidate list, so a prefix that
 * matches nothing is an error the user sees, not a silent no-op.
 */
import type { ConvDilation } from './schedule.js';
import type { ConvName } from './unet-convs.js';
import { UserFacingError } from '../protocol/user-facing-error.js';

interface LayerEntry {
  readonly line: number;
  readonly prefix: string;
  readonly factor: number | null;
}

export function parseLayerSpec(text: string): LayerEntry[] {
  const entries: LayerEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const match = /^([A-Za-z_][\w.]*?)(?:\s*:\s*([^\s]+))?$/.exec(line);
    if (!match) throw new UserFacingError(`line ${index + 1}: "${raw.trim()}" is not module.path[:factor]`, { hint: 'e.g. down_blocks.1:2 or mid_block.resnets.0.conv1:4' });
    const factor = match[2] === undefined ? null : Number(match[2]);
    if (factor !== null && !(Number.isFinite(factor) && factor >= 1)) {
      throw new UserFacingError(`line ${index + 1}: factor "${match[2]}" must be a number ≥ 1`);
    }
    entries.push({ line: index + 1, prefix: match[1]!, factor });
  });
  return entries;
}

const covers = (prefix: string, conv: ConvName) => conv === prefix || conv.startsWith(`${prefix}.`);

/** Each candidate conv a line covers, with that line's factor (or `defaultFactor`); later lines win. */
export function expandLayerSpec(text: string, candidates: readonly ConvName[], defaultFactor: number): ConvDilation[] {
  const byConv = new Map<ConvName, number>();
  for (const entry of parseLayerSpec(text)) {
    const matched = candidates.filter((conv) => covers(entry.prefix, conv));
    if (matched.length === 0) {
      const blocks = [...new Set(candidates.map((conv) => conv.split('.').slice(0, conv.startsWith('mid_block') ? 1 : 2).join('.')))];
      throw new UserFacingError(`line ${entry.line}: "${entry.prefix}" matches no re-dilatable conv of this UNet`, { hint: `its blocks: ${blocks.join(', ')}` });
    }
    for (const conv of matched) byConv.set(conv, entry.factor ?? defaultFactor);
  }
  return candidates.filter((conv) => byConv.has(conv)).map((conv) => ({ conv, dilation: byConv.get(conv)! }));
}
