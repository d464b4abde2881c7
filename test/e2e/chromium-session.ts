/**
 * Debian's Chromium driven by playwright-core: one browser per test file, a fresh profile, no
 * network beyond the server under test. Collects Content-Security-Policy violations (the page
 * records `securitypolicyviolation` events from its first script on) and page errors, and saves
 * screenshots under test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { PageGlobals } from './page-globals.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/e2e/', import.meta.url));

export interface ChromiumSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, in order. */
  errors: string[];
  cspViolations(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openChromium(): Promise<ChromiumSession> {
  const profile = mkdtempSync(path.join(tmpdir(), 'scalecrafter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await context.addInitScript(() => {
    const page = globalThis as unknown as PageGlobals;
    page.cspViolations = [];
    page.document.addEventListener('securitypolicyviolation', (event) => page.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} (${event.sourceFile}:${event.lineNumber})`));
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    cspViolations: () => page.evaluate(() => [...(globalThis as unknown as PageGlobals).cspViolations]),
    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
