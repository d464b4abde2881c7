/**
 * The heat map's paint tools: a palette of dilations (×1 = off, ×1.5, ×2, ×3, ×4), a box for any
 * other factor, the dispersion toggle and, in the ND-CFG pass, "pass off". Shown while a painted
 * schedule is selected; otherwise one button turns the shown schedule into a painted one.
 */
import { dilationLabel } from '../schedule/dilation-colours.js';
import type { PaintTool } from '../schedule/paint-edit.js';
import { button, element } from './element.js';

const PALETTE = [1, 1.5, 2, 3, 4] as const;

export class SchedulePaintBar {
  readonly root = element('div', { class: 'schedule-paint', 'data-testid': 'schedule-paint' });
  readonly #tools = element('div', { class: 'segmented schedule-tools', role: 'group', 'aria-label': 'Paint tool' });
  readonly #factor = element('input', { type: 'number', min: 1, max: 8, step: 0.1, value: 2, 'data-testid': 'schedule-paint-factor', title: 'Any dilation ≥ 1; Enter picks it' });
  readonly #passOff: HTMLButtonElement;
  readonly #convert: HTMLButtonElement;
  readonly #buttons = new Map<string, HTMLButtonElement>();
  #tool: PaintTool = { kind: 'dilation', value: 2 };

  constructor(onConvert: () => void) {
    for (const value of PALETTE) this.#addTool(`dilation-${value}`, value === 1 ? '×1' : dilationLabel(value), { kind: 'dilation', value }, value === 1 ? 'off: the plain conv' : `dilate by ${value}`);
    this.#addTool('dispersion', 'Disperse', { kind: 'dispersion' }, 'toggle dispersed kernels on the cells');
    this.#passOff = this.#addTool('pass-off', 'No base', { kind: 'pass-off' }, 'plain CFG at these steps: the ND-CFG base pass does not run');
    this.#factor.addEventListener('change', () => {
      const value = Number(this.#factor.value);
      if (Number.isFinite(value) && value >= 1) this.#select(`dilation-${value}`, { kind: 'dilation', value });
    });
    this.#convert = button('Paint this schedule', onConvert, {
      'data-testid': 'schedule-convert',
      title: 'Adds a Painted Schedule node before the Sampler holding the schedule shown here, cell by cell; edit it on the map',
    });
    this.root.append(this.#tools, element('label', { class: 'schedule-factor' }, '×', this.#factor), this.#convert);
    this.#select('dilation-2', this.#tool);
  }

  get tool(): PaintTool {
    return this.#tool;
  }

  /** Painting tools for a painted node; the convert button for any other schedule node. */
  show(state: { paintable: boolean; ndcfgPass: boolean }): void {
    this.root.dataset.paintable = String(state.paintable);
    this.#tools.hidden = !state.paintable;
    this.#factor.parentElement!.hidden = !state.paintable;
    this.#convert.hidden = state.paintable;
    this.#passOff.hidden = !state.ndcfgPass;
    if (!state.ndcfgPass && this.#tool.kind === 'pass-off') this.#select('dilation-2', { kind: 'dilation', value: 2 });
  }

  #addTool(key: string, label: string, tool: PaintTool, title: string): HTMLButtonElement {
    const control = button(label, () => this.#select(key, tool), { 'data-testid': `schedule-tool-${key}`, 'aria-pressed': 'false', title });
    this.#buttons.set(key, control);
    this.#tools.append(control);
    return control;
  }

  #select(key: string, tool: PaintTool): void {
    this.#tool = tool;
    this.root.dataset.tool = tool.kind === 'dilation' ? String(tool.value) : tool.kind;
    if (tool.kind === 'dilation') this.#factor.value = String(tool.value);
    for (const [name, control] of this.#buttons) control.setAttribute('aria-pressed', String(name === key));
  }
}
