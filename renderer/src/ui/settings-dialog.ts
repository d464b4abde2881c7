/** The Settings dialog: link style, snap to grid and its size, the minimap; each change applies and is kept at once. */
import { LINK_STYLES, type EditorSettingsStore, type LinkStyle } from '../settings/editor-settings.js';
import { button, element } from './element.js';

export class SettingsDialog {
  readonly root = element('dialog', { class: 'app-dialog settings-dialog', 'data-testid': 'settings-dialog' });

  constructor(private readonly settings: EditorSettingsStore) {
    const current = settings.value;
    const linkStyle = element('select', { 'data-testid': 'setting-link-style' }, ...LINK_STYLES.map((style) => element('option', { value: style, selected: style === current.linkStyle }, style)));
    linkStyle.addEventListener('change', () => settings.update({ linkStyle: linkStyle.value as LinkStyle }));
    const snap = element('input', { type: 'checkbox', checked: current.snapToGrid, 'data-testid': 'setting-snap' });
    snap.addEventListener('change', () => settings.update({ snapToGrid: snap.checked }));
    const grid = element('input', { type: 'number', min: 5, max: 100, step: 5, value: current.gridSize, 'data-testid': 'setting-grid-size' });
    grid.addEventListener('change', () => {
      settings.update({ gridSize: Number(grid.value) });
      grid.value = String(settings.value.gridSize);
    });
    const minimap = element('input', { type: 'checkbox', checked: current.showMinimap, 'data-testid': 'setting-minimap' });
    minimap.addEventListener('change', () => settings.update({ showMinimap: minimap.checked }));
    this.root.append(
      element('h2', {}, 'Settings'),
      row('Link style', linkStyle),
      row('Snap to grid while dragging', snap),
      row('Grid size', grid),
      row('Show the minimap', minimap),
      element('div', { class: 'dialog-buttons' }, button('Close', () => this.root.close(), { 'data-testid': 'settings-close' })),
    );
    document.body.append(this.root);
  }

  open(): void {
    this.root.showModal();
  }
}

function row(label: string, control: HTMLElement): HTMLElement {
  return element('label', { class: 'setting-row' }, element('span', {}, label), control);
}
