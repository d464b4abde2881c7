/** Builds DOM elements without innerHTML (so no markup is ever parsed from data). */
type Child = Node | string | null | undefined | false;

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

export function button(label: string, onClick: () => void, attributes: Record<string, string | number | boolean | undefined> = {}): HTMLButtonElement {
  const node = element('button', { type: 'button', ...attributes }, label);
  node.addEventListener('click', onClick);
  return node;
}

/**
 * Makes `parent`'s children exactly `children`, leaving the DOM alone when they already are. Panels
 * re-render many times a second while a job runs; replacing an element under the pointer would
 * swallow the click the user is making (and close an open <details> or <select>).
 */
export function setChildren(parent: Element, children: readonly Node[]): void {
  const current = parent.childNodes;
  if (current.length === children.length && children.every((child, index) => current[index] === child)) return;
  parent.replaceChildren(...children);
}
