/** Every problem of the last queue attempt or run, each naming its node and field; clicking one shows the node. */
import { formatIssue } from '../../../app/protocol/index.js';
import type { Problem } from '../controllers/run-controller.js';
import { element } from './element.js';

export class ProblemsPanel {
  readonly #root = element('section', { class: 'panel problems-panel', 'data-testid': 'problems' });
  #shown: readonly Problem[] | null = null;

  constructor(
    parent: HTMLElement,
    private readonly titleOf: (nodeId: string) => string,
    private readonly focusNode: (nodeId: string) => void,
  ) {
    parent.append(this.#root);
  }

  /** The run controller replaces its problem list when it changes; the same list is not redrawn. */
  render(problems: readonly Problem[]): void {
    if (problems === this.#shown) return;
    this.#shown = problems;
    this.#root.hidden = problems.length === 0;
    this.#root.replaceChildren(element('h2', {}, 'Problems'), element('ul', {}, ...problems.map((problem) => this.#row(problem))));
  }

  #row(problem: Problem): HTMLElement {
    const nodeId = problem.kind === 'issue' ? problem.issue.nodeId : problem.failure.nodeId;
    const field = problem.kind === 'issue' ? problem.issue.field : problem.failure.field;
    const text =
      problem.kind === 'issue'
        ? formatIssue({ ...problem.issue, nodeId: undefined, nodeType: undefined, field: undefined })
        : `${problem.failure.message}${problem.failure.hint ? ` — ${problem.failure.hint}` : ''}`;
    const row = element(
      'li',
      { class: 'problem', 'data-node-id': nodeId, 'data-field': field, 'data-testid': 'problem' },
      nodeId !== undefined ? element('strong', {}, `${this.titleOf(nodeId)} #${nodeId}`) : null,
      field ? element('code', {}, field) : null,
      element('span', {}, text),
    );
    if (nodeId !== undefined) row.addEventListener('click', () => this.focusNode(nodeId));
    return row;
  }
}
