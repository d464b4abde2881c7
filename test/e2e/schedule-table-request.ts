/** The engine's own scheduleTable reply for a workflow, asked over `serve`'s HTTP API as the page does. */
import assert from 'node:assert/strict';
import type { ScheduleTable, Workflow } from '../../app/protocol/index.js';

export async function requestScheduleTable(serveUrl: string | URL, workflow: Workflow, nodeId: number): Promise<ScheduleTable> {
  const response = await fetch(new URL('api/request/scheduleTable', serveUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow, nodeId: String(nodeId) }),
  });
  const reply = (await response.json()) as { ok: true; table: ScheduleTable } | { ok: false };
  assert.ok(reply.ok, JSON.stringify(reply));
  return reply.table;
}
