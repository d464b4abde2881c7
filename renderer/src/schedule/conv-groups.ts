/**
 * The heat map's rows are the UNet's re-dilatable convs in graph order; they read as blocks
 * (down_blocks.1, mid_block, up_blocks.0 — the module paths the layer lists name), so rows are
 * grouped by the block they belong to and each group is labelled once.
 */

export interface ConvGroup {
  /** The module path of the block: `down_blocks.1`, `mid_block`, `conv_in`. */
  block: string;
  /** Its short label: `down 1`, `mid`, `up 0`. */
  label: string;
  /** Index of the group's first conv in the table's `convs`. */
  start: number;
  count: number;
}

/**
 * The block a conv path belongs to: the first two segments for numbered block lists
 * (`down_blocks.1.resnets.0.conv1` → `down_blocks.1`), otherwise the first segment
 * (`mid_block.resnets.0.conv1` → `mid_block`, `conv_in` → `conv_in`).
 */
export function blockOf(convPath: string): string {
  const [first = convPath, second] = convPath.split('.');
  return first.endsWith('_blocks') && second !== undefined ? `${first}.${second}` : first;
}

export function blockLabel(block: string): string {
  const numbered = /^(down|up)_blocks\.(\d+)$/.exec(block);
  if (numbered) return `${numbered[1]} ${numbered[2]}`;
  if (block === 'mid_block') return 'mid';
  return block;
}

/** Consecutive convs of one block form a group; the table's conv order is kept. */
export function groupConvsByBlock(convs: readonly string[]): ConvGroup[] {
  const groups: ConvGroup[] = [];
  convs.forEach((conv, index) => {
    const block = blockOf(conv);
    const last = groups.at(-1);
    if (last && last.block === block) last.count += 1;
    else groups.push({ block, label: blockLabel(block), start: index, count: 1 });
  });
  return groups;
}
