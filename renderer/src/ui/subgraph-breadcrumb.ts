/**
 * Where in the workflow the canvas is, over its top-left corner while a subgraph is open:
 * "Workflow › Sampling › Prompts", each level but the last a button that goes back up to it
 * (ComfyUI's subgraph breadcrumb). Hidden at the root.
 */
import type { SubgraphLevel } from '../canvas/subgraph-navigation.js';
import { button, element, setChildren } from './element.js';

export class SubgraphBreadcrumb {
  readonly root = element('nav', { class: 'subgraph-breadcrumb', 'data-testid': 'subgraph-breadcrumb', 'aria-label': 'Subgraph path', hidden: true });

  /** `showDepth(0)` goes back to the workflow, `showDepth(n)` to the n-th opened subgraph. */
  constructor(private readonly showDepth: (depth: number) => void) {}

  render(path: readonly SubgraphLevel[]): void {
    this.root.hidden = path.length === 0;
    const levels = [{ name: 'Workflow' }, ...path];
    const children: Node[] = levels.flatMap((level, depth) => {
      const last = depth === levels.length - 1;
      const name = level.name || 'Unnamed subgraph';
      const crumb = last
        ? element('span', { class: 'crumb current', 'data-testid': 'crumb', 'aria-current': 'page' }, name)
        : button(name, () => this.showDepth(depth), { class: 'crumb', 'data-testid': 'crumb', title: depth === 0 ? 'Back to the workflow' : `Back to ${name}` });
      return depth === 0 ? [crumb] : [element('span', { class: 'crumb-separator' }, '›'), crumb];
    });
    setChildren(this.root, children);
  }
}
