/**
 * "Render on farm…": where the farm is (Redis URL, shared output folder, queue, remembered), the
 * sweep as data (seeds, sizes, prompts per TextEncode node, preset choices) with its job count, and
 * Submit. A refused submission (Redis unreachable, a value the workflow rejects) is shown here with
 * its hint and leaves the dialog as it was, so nothing typed is lost.
 */
import type { FarmSubmitParams, FarmSubmitResult } from '../../../app/protocol/farm.js';
import type { NodeSchema, Workflow } from '../../../app/protocol/index.js';
import type { FarmSettingsStore, FarmSettings } from '../farm/farm-settings.js';
import { buildSweep, sweepTargets, type SweepForm } from '../farm/sweep-form.js';
import { button, element } from './element.js';

export interface FarmDialogParts {
  settings: FarmSettingsStore;
  schemas: readonly NodeSchema[];
  workflow(): Workflow;
  submit(params: FarmSubmitParams): Promise<FarmSubmitResult>;
  submitted(result: Extract<FarmSubmitResult, { ok: true }>): void;
}

export class FarmDialog {
  readonly root = element('dialog', { class: 'app-dialog farm-dialog', 'data-testid': 'farm-dialog' });
  readonly #sweepSection = element('div', { class: 'farm-sweep' });
  readonly #count = element('p', { class: 'farm-count', 'data-testid': 'farm-job-count', 'aria-live': 'polite' });
  readonly #error = element('div', { class: 'farm-error', role: 'alert', 'data-testid': 'farm-error' });
  readonly #submitButton: HTMLButtonElement;
  /** Prompts and preset choices typed, kept while the page lives (they belong to the workflow, not the settings). */
  readonly #form: SweepForm = { seeds: '', sizes: '', prompts: {}, presets: {} };
  #workflow: Workflow | null = null;

  constructor(private readonly parts: FarmDialogParts) {
    const settings = parts.settings.value;
    Object.assign(this.#form, { seeds: settings.seeds, sizes: settings.sizes });
    this.#submitButton = button('Submit', () => void this.#submit(), { class: 'primary', 'data-testid': 'farm-submit' });
    // Typing here is not a canvas shortcut.
    this.root.addEventListener('keydown', (event) => event.stopPropagation());
    this.root.append(
      element('h2', {}, 'Render on farm'),
      settingInput('Redis URL', 'redisUrl', settings, parts.settings, 'redis://:PASSWORD@host:6379'),
      settingInput('Output folder', 'outputDir', settings, parts.settings, 'a shared folder the workers write into; relative: inside the server\'s output folder'),
      settingInput('Queue', 'queue', settings, parts.settings, 'the name the workers were started with (--queue)'),
      element('h3', {}, 'Sweep: one job per combination'),
      this.#textInput('Seeds', 'seeds', '1, 2, 3 or 1-8; empty keeps the workflow\'s seed'),
      this.#textInput('Sizes', 'sizes', '1024x1024, 2048x2048; empty keeps the workflow\'s size'),
      this.#sweepSection,
      this.#count,
      this.#error,
      element('div', { class: 'dialog-buttons' }, button('Cancel', () => this.root.close(), { 'data-testid': 'farm-cancel' }), this.#submitButton),
    );
    document.body.append(this.root);
  }

  /** Opens on the canvas's workflow as it is now. */
  open(): void {
    this.#workflow = this.parts.workflow();
    this.#showTargets(this.#workflow);
    this.#error.replaceChildren();
    this.#update();
    this.root.showModal();
  }

  #textInput(label: string, key: 'seeds' | 'sizes', title: string): HTMLElement {
    const input = element('input', { type: 'text', value: this.#form[key], title, placeholder: title, spellcheck: 'false', 'data-testid': `farm-${key}` });
    input.addEventListener('input', () => {
      this.#form[key] = input.value;
      this.parts.settings.update({ [key]: input.value });
      this.#update();
    });
    return element('label', { class: 'setting-row' }, element('span', {}, label), input);
  }

  #showTargets(workflow: Workflow): void {
    const targets = sweepTargets(workflow, this.parts.schemas);
    const prompts = targets.prompts.map(({ nodeId, title, text }) => {
      const area = element('textarea', { rows: 2, placeholder: text ? `one prompt per line; empty keeps "${text}"` : 'one prompt per line; empty keeps it empty', 'data-testid': `farm-prompts-${nodeId}` });
      area.value = this.#form.prompts[nodeId] ?? '';
      area.addEventListener('input', () => {
        this.#form.prompts[nodeId] = area.value;
        this.#update();
      });
      return element('label', { class: 'farm-prompts' }, element('span', {}, `Prompts: ${title}`), area);
    });
    const presets = targets.presets.map(({ key, title, options, current }) => {
      const chosen = new Set(this.#form.presets[key] ?? []);
      const boxes = options.map((option) => {
        const box = element('input', { type: 'checkbox', checked: chosen.has(option), 'data-testid': `farm-preset-${key}-${option}` });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(option);
          else chosen.delete(option);
          this.#form.presets[key] = options.filter((candidate) => chosen.has(candidate));
          this.#update();
        });
        return element('label', { class: 'farm-option' }, box, option);
      });
      return element('fieldset', { class: 'farm-preset' }, element('legend', {}, `${title} (now ${current}; none ticked keeps it)`), ...boxes);
    });
    for (const nodeId of Object.keys(this.#form.prompts)) if (!targets.prompts.some((target) => target.nodeId === nodeId)) delete this.#form.prompts[nodeId];
    for (const key of Object.keys(this.#form.presets)) if (!targets.presets.some((target) => target.key === key)) delete this.#form.presets[key];
    this.#sweepSection.replaceChildren(...prompts, ...presets);
  }

  #update(): ReturnType<typeof buildSweep> {
    const built = buildSweep(this.#form);
    this.#count.textContent = built.ok ? `${built.jobs} job${built.jobs === 1 ? '' : 's'}` : built.problem;
    this.#count.classList.toggle('invalid', !built.ok);
    this.#submitButton.disabled = !built.ok;
    return built;
  }

  async #submit(): Promise<void> {
    const built = this.#update();
    if (!built.ok || !this.#workflow) return;
    const { redisUrl, outputDir, queue } = this.parts.settings.value;
    this.#submitButton.disabled = true;
    this.#submitButton.textContent = 'Submitting…';
    this.#error.replaceChildren();
    try {
      const result = await this.parts.submit({ workflow: this.#workflow, sweep: built.sweep, redisUrl, outputDir, ...(queue.trim() ? { queue: queue.trim() } : {}) });
      if (!result.ok) return this.#showError(result.message, result.hint);
      this.root.close();
      this.parts.submitted(result);
    } catch (error) {
      this.#showError(error instanceof Error ? error.message : String(error));
    } finally {
      this.#submitButton.textContent = 'Submit';
      this.#update();
    }
  }

  #showError(message: string, hint?: string): void {
    this.#error.replaceChildren(element('p', {}, message), ...(hint ? [element('p', { class: 'muted' }, `Hint: ${hint}`)] : []));
  }
}

function settingInput(label: string, key: 'redisUrl' | 'outputDir' | 'queue', current: FarmSettings, store: FarmSettingsStore, title: string): HTMLElement {
  const input = element('input', { type: 'text', value: current[key], title, spellcheck: 'false', 'data-testid': `farm-${key}` });
  input.addEventListener('input', () => store.update({ [key]: input.value }));
  return element('label', { class: 'setting-row' }, element('span', {}, label), input);
}
