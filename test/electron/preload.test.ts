import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { shellChannels } from '../../app/protocol/index.js';
import type { PreloadApi } from '../../renderer/src/engine/preload-api.js';

type Listener = (event: unknown, payload: unknown) => void;

/** Electron's preload-side API, faked exactly where the preload touches it; everything else is real. */
function fakeElectron() {
  const exposed = new Map<string, unknown>();
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<Listener>>();
  return {
    exposed,
    invoked,
    listeners,
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => {
          invoked.push({ channel, args });
          return Promise.resolve({ echoed: channel });
        },
        on: (channel: string, listener: Listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
        removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
      },
    },
  };
}

function loadPreload(electron: ReturnType<typeof fakeElectron>): PreloadApi {
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request, parent, isMain) {
    return request === 'electron' ? electron.module : original.call(this, request, parent, isMain);
  };
  try {
    const require = createRequire(import.meta.url);
    const file = require.resolve('../../app/electron/preload.cts');
    delete require.cache[file];
    require(file);
  } finally {
    loader._load = original;
  }
  return electron.exposed.get('scalecrafter') as PreloadApi;
}

const farmParams = { workflow: {}, sweep: { seeds: [1] }, redisUrl: 'redis://127.0.0.1:6379', outputDir: 'farm' };

describe('the preload (window.scalecrafter)', () => {
  test('exposes exactly the functions the renderer expects, nothing more', () => {
    const electron = fakeElectron();
    const api = loadPreload(electron);
    // Keyed by PreloadApi: adding a member there without exposing it here fails to compile or to pass.
    const expected: Record<keyof PreloadApi, true> = { request: true, onEvent: true, openWorkflow: true, saveWorkflow: true, onMenuCommand: true, farmSubmit: true, farmFollow: true, onFarmBatch: true };
    assert.deepEqual([...electron.exposed.keys()], ['scalecrafter']);
    assert.deepEqual(Object.keys(api).sort(), Object.keys(expected).sort());
    for (const member of Object.values(api)) assert.equal(typeof member, 'function');
  });

  test('each function is bound to its one channel with the payload main validates', async () => {
    const electron = fakeElectron();
    const api = loadPreload(electron);
    assert.deepEqual(await api.request('queue', {}), { echoed: shellChannels.engineRequest.channel });
    await api.openWorkflow();
    await api.saveWorkflow({ text: '{}', suggestedName: 'a.json' });
    await api.farmSubmit(farmParams);
    await api.farmFollow('b1');
    assert.deepEqual(electron.invoked, [
      { channel: shellChannels.engineRequest.channel, args: [{ name: 'queue', params: {} }] },
      { channel: shellChannels.openWorkflow.channel, args: [] },
      { channel: shellChannels.saveWorkflow.channel, args: [{ text: '{}', suggestedName: 'a.json' }] },
      { channel: shellChannels.farmSubmit.channel, args: [farmParams] },
      { channel: shellChannels.farmFollow.channel, args: [{ batchId: 'b1' }] },
    ]);
    for (const { channel, args } of electron.invoked.slice(3)) {
      const spec = Object.values(shellChannels).find((candidate) => candidate.channel === channel)!;
      assert.ok('request' in spec && spec.request.safeParse(args[0]).success, `${channel}'s payload passes main's check`);
    }
  });

  test('the preload uses every channel of the protocol map, and no other', async () => {
    const electron = fakeElectron();
    const api = loadPreload(electron);
    await api.request('queue', {});
    await api.openWorkflow();
    await api.saveWorkflow({ text: '{}', suggestedName: 'a.json' });
    await api.farmSubmit(farmParams);
    await api.farmFollow('b1');
    api.onEvent(() => undefined);
    api.onMenuCommand(() => undefined);
    api.onFarmBatch(() => undefined);
    const used = [...electron.invoked.map(({ channel }) => channel), ...electron.listeners.keys()];
    assert.deepEqual(used.sort(), Object.values(shellChannels).map(({ channel }) => channel).sort());
  });

  test('push channels hand the page the payload only, and unsubscribing stops them', () => {
    const electron = fakeElectron();
    const api = loadPreload(electron);
    const events: unknown[] = [];
    const commands: unknown[] = [];
    const stopEvents = api.onEvent((event) => events.push(event));
    api.onMenuCommand((command) => commands.push(command));
    const ipcEvent = { sender: 'the Electron event object must not reach the page' };
    for (const listener of electron.listeners.get(shellChannels.engineEvent.channel)!) listener(ipcEvent, { type: 'cancelled', jobId: 'j' });
    for (const listener of electron.listeners.get(shellChannels.menuCommand.channel)!) listener(ipcEvent, 'save');
    assert.deepEqual(events, [{ type: 'cancelled', jobId: 'j' }]);
    assert.deepEqual(commands, ['save']);
    stopEvents();
    assert.equal(electron.listeners.get(shellChannels.engineEvent.channel)!.size, 0);
    assert.equal(electron.listeners.get(shellChannels.menuCommand.channel)!.size, 1);
  });
});
