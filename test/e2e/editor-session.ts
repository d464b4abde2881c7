/**
 * What every end-to-end file needs: a fresh renderer build, a real `serve`, one Chromium page and
 * the editor driver, opened before the file's tests and closed after them. Skipped, saying why,
 * where Debian's Chromium is missing.
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import { CHROMIUM, openChromium, type ChromiumSession } from './chromium-session.js';
import { EditorPage } from './editor-page.js';
import { buildRenderer } from './renderer-build.js';
import { startServe, type ServeProcess } from './serve-process.js';

export const chromiumSkip = existsSync(CHROMIUM) ? false : `needs Debian's Chromium at ${CHROMIUM} (apt-get install chromium)`;

export interface EditorSession {
  serve: ServeProcess;
  browser: ChromiumSession;
  editor: EditorPage;
}

/** Registers the file's before/after hooks; the returned object is filled in once `before` ran. */
export function useEditorSession(): EditorSession {
  const session = {} as EditorSession;
  before(async () => {
    // The server serves renderer/dist; build it from the current sources so a test never sees a stale UI.
    await buildRenderer();
    session.serve = await startServe();
    session.browser = await openChromium();
    session.editor = new EditorPage(session.browser.page);
  });
  after(async () => {
    await session.browser?.close();
    await session.serve?.stop();
  });
  return session;
}
