/**
 * At which node the schedule editor reads the table (the nodes that open it say so in their schema:
 * `editor: 'dilation-schedule'`). A ReDilate early in a
 * chain (ReDilate → NoiseDampedCFG → Sampler) only carries its own patch; the Sampler gets the
 * patches of the whole chain. The editor shows what the Sampler will run, so it reads the table at
 * the end of the MODEL → MODEL chain that starts at the selected node.
 */
import type { Workflow } from '../../../app/protocol/index.js';

/** litegraph's "always" mode: muted (2) and bypassed (4) nodes patch nothing. */
const ACTIVE_MODE = 0;

/**
 * Follows MODEL links from `nodeId`'s first output through nodes whose first output is a MODEL
 * (every model patch node), and returns the last one: the node that feeds the Sampler. Where a
 * model fans out, the first link (in file order) is followed.
 */
export function scheduleReadNode(workflow: Workflow, nodeId: string, outputsModel: (nodeType: string) => boolean): string {
  const nodes = new Map(workflow.nodes.map((node) => [String(node.id), node]));
  const seen = new Set([nodeId]);
  let current = nodeId;
  for (;;) {
    const next = workflow.links.find((link) => {
      if (String(link.origin_id) !== current || link.origin_slot !== 0 || link.type !== 'MODEL') return false;
      const target = nodes.get(String(link.target_id));
      return target !== undefined && (target.mode ?? ACTIVE_MODE) === ACTIVE_MODE && outputsModel(target.type) && !seen.has(String(target.id));
    });
    if (!next) return current;
    current = String(next.target_id);
    seen.add(current);
  }
}
