/**
 * The node library (ComfyUI's sidebar tab of the same name): every node type by category, each with
 * its description; a filter box that uses the same search as the canvas (ComfyUI names, typos).
 * Drag an entry onto the canvas to add it there, or click it to add it in the middle of the view.
 */
import type { NodeSchema } from '../../../app/protocol/index.js';
import { NODE_DRAG_TYPE } from '../canvas/node-placement.js';
import type { NodeMatch, NodeSearch } from '../library/node-search.js';
import { element } from './element.js';

export class NodeLibrary {
  readonly root = element('section', { class: 'node-library', 'data-testid': 'node-library' });
  readonly #filter = element('input', { type: 'search', placeholder: 'Search nodes (ComfyUI names too)…', 'aria-label': 'Search nodes', 'data-testid': 'node-library-search' });
  readonly #list = element('div', { class: 'node-library-list' });

  constructor(
    private readonly search: NodeSearch,
    private readonly add: (type: string) => void,
  ) {
    this.#filter.addEventListener('input', () => this.#render());
    this.root.append(this.#filter, this.#list);
    this.#render();
  }

  #render(): void {
    const query = this.#filter.value.trim();
    const matches = this.search.search(query);
    // Filtering shows the matches best first with their category; otherwise the category tree.
    this.#list.replaceChildren(...(query ? [element('ul', { class: 'node-library-results' }, ...matches.map((match) => this.#entry(match, true)))] : this.#tree(matches)));
    this.#list.dataset.count = String(matches.length);
  }

  #tree(matches: readonly NodeMatch[]): HTMLElement[] {
    const byCategory = new Map<string, NodeMatch[]>();
    for (const match of matches) byCategory.set(match.schema.category, [...(byCategory.get(match.schema.category) ?? []), match]);
    return [...byCategory].map(([category, entries]) =>
      element(
        'details',
        { class: 'node-library-category', open: true, 'data-category': category },
        element('summary', {}, category.replaceAll('/', ' › '), element('span', { class: 'muted' }, ` ${entries.length}`)),
        element('ul', {}, ...entries.map((match) => this.#entry(match, false))),
      ),
    );
  }

  #entry({ schema, comfyName }: NodeMatch, showCategory: boolean): HTMLElement {
    const item = element(
      'li',
      { class: 'node-library-entry', draggable: 'true', title: `${schema.displayName} (${schema.type})\n${schema.description}`, 'data-type': schema.type, 'data-testid': 'node-library-entry' },
      element('div', { class: 'node-library-name' }, schema.displayName, comfyName ? element('span', { class: 'comfy-name' }, `ComfyUI: ${comfyName}`) : null, showCategory ? element('span', { class: 'muted' }, ` ${schema.category}`) : null),
      element('div', { class: 'node-library-description' }, schema.description),
      sockets(schema),
    );
    item.addEventListener('dragstart', (event) => {
      event.dataTransfer?.setData(NODE_DRAG_TYPE, schema.type);
      if (event.dataTransfer) event.dataTransfer.effectAllowed = 'copy';
    });
    item.addEventListener('click', () => this.add(schema.type));
    return item;
  }
}

/** "MODEL, CLIP → CONDITIONING": what links in and out, as ComfyUI's node preview shows. */
function sockets(schema: NodeSchema): HTMLElement {
  const inputs = schema.inputs.filter((spec) => spec.kind === 'socket' || spec.forceInput).map((spec) => (spec.kind === 'socket' ? spec.type : spec.kind));
  const outputs = schema.outputs.map((output) => output.type);
  return element('div', { class: 'node-library-sockets muted' }, `${inputs.join(', ') || '—'} → ${outputs.join(', ') || '—'}`);
}
