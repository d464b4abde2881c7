/**
 * The editor as a test sees it: what the page shows, read through the DOM and the read-only debug
 * handle (the graph itself is drawn on a <canvas>), and actions done with the real mouse and keyboard.
 */
import type { Page } from 'playwright-core';
import type { Workflow } from '../../app/protocol/index.js';
import type { Box, PageGlobals, Point } from './page-globals.js';

export class EditorPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await this.page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    const state = await this.page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.ready);
    if (state !== 'true') throw new Error(`the editor failed to start: ${await this.page.textContent('.startup-error')}`);
  }

  snapshot(): Promise<Workflow> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.snapshot());
  }

  dirty(): Promise<boolean> {
    return this.page.evaluate(() => (globalThis as unknown as PageGlobals).scalecrafterDebug.dirty());
  }

  decoration(nodeId: number): Promise<{ kind: string; lines?: string[] } | null> {
    return this.page.evaluate((id) => (globalThis as unknown as PageGlobals).scalecrafterDebug.decoration(id), nodeId);
  }

  /** Widgets are laid out when the canvas draws; two frames after a load their positions are current. */
  async settled(): Promise<void> {
    await this.page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      return new Promise<void>((resolve) => page.requestAnimationFrame(() => page.requestAnimationFrame(resolve)));
    });
  }

  async widgetBox(nodeId: number, widget: string): Promise<Box> {
    await this.settled();
    const box = await this.page.evaluate(([id, name]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.widgetBox(id, name), [nodeId, widget] as const);
    if (!box) throw new Error(`node ${nodeId} has no widget ${widget} on the canvas`);
    return box;
  }

  /** Types `value` into a number widget's prompt as a user does: click the widget, type, Enter. */
  async typeNumber(nodeId: number, widget: string, value: number): Promise<void> {
    const box = await this.widgetBox(nodeId, widget);
    await this.page.mouse.click(box.left + box.width / 2, box.top + box.height / 2);
    const prompt = this.page.locator('.graphdialog input.value');
    await prompt.fill(String(value));
    await prompt.press('Enter');
  }

  async slotPoint(nodeId: number, side: 'input' | 'output', slot: number): Promise<Point> {
    await this.settled();
    const point = await this.page.evaluate(([id, which, index]) => (globalThis as unknown as PageGlobals).scalecrafterDebug.slotPoint(id, which, index), [nodeId, side, slot] as const);
    if (!point) throw new Error(`node ${nodeId} has no ${side} ${slot}`);
    return point;
  }

  /**
   * A double click whose events carry their own timestamps, 50 ms apart. litegraph tells a double
   * click from two clicks by the events' timestamps (300 ms at most); Playwright's dblclick stamps
   * each event when it arrives, so a loaded test machine can stretch the gap past that.
   */
  async doubleClick(at: Point): Promise<void> {
    const devtools = await this.page.context().newCDPSession(this.page);
    const start = Date.now() / 1000;
    const press = (type: 'mousePressed' | 'mouseReleased', clickCount: number, timestamp: number) =>
      devtools.send('Input.dispatchMouseEvent', { type, x: at.x, y: at.y, button: 'left', buttons: type === 'mousePressed' ? 1 : 0, clickCount, timestamp });
    await press('mousePressed', 1, start);
    await press('mouseReleased', 1, start + 0.01);
    await press('mousePressed', 2, start + 0.05);
    await press('mouseReleased', 2, start + 0.06);
    await devtools.detach();
  }

  async drag(from: Point, to: Point): Promise<void> {
    await this.page.mouse.move(from.x, from.y);
    await this.page.mouse.down();
    await this.page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await this.page.mouse.move(to.x, to.y, { steps: 4 });
    await this.page.mouse.up();
  }

  /**
   * Waits until the queue side bar lists `count` finished jobs; returns the newest one's status and
   * its nodes' statuses by id (from its folded "Nodes" details).
   */
  async waitForFinishedJob(count: number): Promise<Record<string, string>> {
    return this.withQueueShown(async () => {
      await this.page.waitForFunction((n) => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="finished-job"]').length >= n, count, { timeout: 120_000 });
      return this.page.evaluate(() => {
        const job = (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="finished-job"]')!;
        const statuses: Record<string, string> = { job: job.getAttribute('data-status') ?? '' };
        for (const row of job.querySelectorAll('[data-testid="node-run"]')) statuses[row.getAttribute('data-node-id')!] = row.getAttribute('data-status')!;
        return statuses;
      });
    });
  }

  /** The statuses of the finished jobs the queue side bar lists, newest first. */
  finishedJobs(): Promise<string[]> {
    return this.withQueueShown(() => this.page.locator('[data-testid="finished-job"]').evaluateAll((jobs) => jobs.map((job) => job.getAttribute('data-status')!)));
  }

  /**
   * Runs `read` with the queue side bar open, then closes it again if it was closed, so the canvas
   * (which the open pane narrows) is where it was for the next click.
   */
  async withQueueShown<T>(read: () => Promise<T>): Promise<T> {
    const toggle = this.page.locator('[data-testid="sidebar-queue"]');
    const wasOpen = (await toggle.getAttribute('aria-pressed')) === 'true';
    if (!wasOpen) await toggle.click();
    try {
      return await read();
    } finally {
      if (!wasOpen) {
        await toggle.click();
        await this.settled();
      }
    }
  }

  /** Drops a file on the canvas as the OS would: a DataTransfer holding a File. */
  async dropFile(name: string, bytes: Buffer, mimeType: string): Promise<void> {
    await this.page.evaluate(
      ([fileName, base64, type]) => {
        const page = globalThis as unknown as PageGlobals;
        const data = Uint8Array.from(page.atob(base64), (char) => char.charCodeAt(0));
        const transfer = new page.DataTransfer();
        transfer.items.add(new page.File([data], fileName, { type }));
        const canvas = page.document.getElementById('graph-canvas')!;
        canvas.dispatchEvent(new page.DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        canvas.dispatchEvent(new page.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      [name, bytes.toString('base64'), mimeType] as const,
    );
  }
}
