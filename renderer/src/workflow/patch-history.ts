/**
 * Undo/redo over immutable snapshots, stored as immer patches: each step keeps only what changed
 * (a moved node is one `pos` patch, not a copy of the graph), and undo applies the inverse patches.
 * The canvas commits a fresh snapshot after every edit; `reconcile` turns "here is the new whole
 * state" into the minimal set of patches by mutating an immer draft only where values differ.
 */
import { applyPatches, enablePatches, produceWithPatches, type Objectish, type Patch } from 'immer';

enablePatches();

interface Step {
  readonly redo: Patch[];
  readonly undo: Patch[];
}

export class PatchHistory<T extends Objectish> {
  #present: T;
  #past: Step[] = [];
  #future: Step[] = [];

  constructor(
    initial: T,
    private readonly limit = 200,
  ) {
    this.#present = initial;
  }

  get present(): T {
    return this.#present;
  }

  get canUndo(): boolean {
    return this.#past.length > 0;
  }

  get canRedo(): boolean {
    return this.#future.length > 0;
  }

  /** Records `next` as the new present; false (and nothing recorded) when nothing changed. */
  commit(next: T): boolean {
    const [present, redo, undo] = produceWithPatches(this.#present, (draft) => {
      reconcile(draft as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>);
    });
    if (redo.length === 0) return false;
    this.#present = present as T;
    this.#past.push({ redo, undo });
    if (this.#past.length > this.limit) this.#past.shift();
    this.#future = [];
    return true;
  }

  undo(): T | null {
    const step = this.#past.pop();
    if (!step) return null;
    this.#present = applyPatches(this.#present, step.undo);
    this.#future.push(step);
    return this.#present;
  }

  redo(): T | null {
    const step = this.#future.pop();
    if (!step) return null;
    this.#present = applyPatches(this.#present, step.redo);
    this.#past.push(step);
    return this.#present;
  }

  /** Starts over from `state` (a file was opened): the old steps belong to another document. */
  reset(state: T): void {
    this.#present = state;
    this.#past = [];
    this.#future = [];
  }
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** Makes `draft` deep-equal to `next`, touching only the parts that differ. */
export function reconcile(draft: Container, next: Container): void {
  if (Array.isArray(draft) && Array.isArray(next)) {
    for (let index = 0; index < next.length; index++) reconcileEntry(draft, index, next[index]);
    if (draft.length > next.length) draft.length = next.length;
    return;
  }
  const target = draft as Record<string, unknown>;
  const source = next as Record<string, unknown>;
  for (const key of Object.keys(target)) if (!(key in source)) delete target[key];
  for (const key of Object.keys(source)) reconcileEntry(target, key, source[key]);
}

function reconcileEntry(draft: Container, key: string | number, value: unknown): void {
  const slots = draft as Record<string | number, unknown>;
  const current = slots[key];
  if (isContainer(current) && isContainer(value) && Array.isArray(current) === Array.isArray(value)) {
    reconcile(current, value);
  } else if (!Object.is(current, value)) {
    slots[key] = isContainer(value) ? structuredClone(value) : value;
  }
}
