/**
 * What a node's result depends on, as one string per node: its type, mode and widget values and,
 * through its input links, the same of every node upstream. A preview or output image drawn on a
 * node belongs to the signature it was made with; once the node's signature changes (a widget of
 * it or of anything feeding it was edited, a link moved), the image is stale. A subgraph instance's
 * signature holds its promoted values and the workflow's definitions (one may use another), so an
 * edit inside makes its results stale too. Pure.
 */
import { rawSubgraphsOf, type Workflow } from '../../../app/protocol/index.js';

export function nodeSignatures(workflow: Workflow): Map<number, string> {
  const definitions = rawSubgraphsOf(workflow);
  const definitionIds = new Set(definitions.map((definition) => (definition as { id?: unknown }).id));
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const links = new Map(workflow.links.map((link) => [link.id, link]));
  const signatures = new Map<number, string>();
  const visiting = new Set<number>();
  const signatureOf = (id: number): string => {
    const known = signatures.get(id);
    if (known !== undefined) return known;
    const node = nodes.get(id);
    // A missing node or a cycle (which the engine refuses to run) cannot be described further.
    if (!node || visiting.has(id)) return 'missing';
    visiting.add(id);
    const inputs = node.inputs.map((input) => {
      const link = input.link === null || input.link === undefined ? undefined : links.get(input.link);
      return [input.name, link ? [signatureOf(link.origin_id), link.origin_slot] : null];
    });
    visiting.delete(id);
    const signature = JSON.stringify([node.type, node.mode, node.widgets, inputs, node.properties, definitionIds.has(node.type) ? definitions : null]);
    signatures.set(id, signature);
    return signature;
  };
  for (const id of nodes.keys()) signatureOf(id);
  return signatures;
}

