/**
 * The shell channel map's checks on the page's side (replies and pushes from main) and main's side
 * (pushes go out on their declared channel). Main's request checks are tested with the handlers
 * they guard (workflow-file-dialogs.test.ts, engine-bridge.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pushToShell } from '../../app/electron/ipc-boundary.js';
import { MENU_COMMANDS, parseShellPush, parseShellReply, shellChannels } from '../../app/protocol/index.js';

describe('shell channels', () => {
  test('channel names are unique', () => {
    const channels = Object.values(shellChannels).map(({ channel }) => channel);
    assert.equal(new Set(channels).size, channels.length);
  });

  test('a reply main did not promise is refused, naming the channel', () => {
    assert.equal(parseShellReply('openWorkflow', null), null);
    assert.deepEqual(parseShellReply('saveWorkflow', { path: '/w/a.json', name: 'a.json' }), { path: '/w/a.json', name: 'a.json' });
    assert.throws(() => parseShellReply('openWorkflow', { path: '/w/a.json', name: 'a.json' }), /open request with something unexpected/);
    assert.throws(() => parseShellReply('saveWorkflow', 'saved'), /save request/);
    assert.deepEqual(parseShellReply('farmSubmit', { ok: false, message: 'no Redis', field: 'redisUrl' }), { ok: false, message: 'no Redis', field: 'redisUrl' });
    assert.throws(() => parseShellReply('farmSubmit', { ok: true, batchId: 'b1' }), /farm submission with something unexpected/);
    assert.equal(parseShellReply('farmFollow', null), null);
    assert.throws(() => parseShellReply('farmFollow', { batchId: 'b1' }), /farm batch request/);
  });

  test('every menu command the menu can send is accepted; anything else is dropped', () => {
    for (const command of MENU_COMMANDS) assert.equal(parseShellPush('menuCommand', command), command);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      assert.equal(parseShellPush('menuCommand', 'formatDisk'), null);
      assert.equal(parseShellPush('engineEvent', { type: 'nonsense' }), null);
      assert.equal(parseShellPush('farmBatch', { batchId: 'b1', jobs: 'all done' }), null);
    } finally {
      console.warn = warn;
    }
  });

  test('pushes go out on their declared channel', () => {
    const sent: Array<[string, unknown]> = [];
    pushToShell({ handle: () => undefined, send: (channel, payload) => sent.push([channel, payload]) }, 'menuCommand', 'save');
    assert.deepEqual(sent, [[shellChannels.menuCommand.channel, 'save']]);
  });
});
