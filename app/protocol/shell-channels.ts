/**
 * The desktop shell's IPC between the sandboxed page and Electron main, declared once like the
 * engine's channel map (channels.ts). Invoke channels carry a request the page sends and a reply
 * main answers; push channels carry what main sends unasked. Each side checks what it receives:
 * main the requests (app/electron/ipc-boundary.ts), the page the replies and pushes.
 */
import { z } from 'zod';
import { engineEventSchema } from './events.js';
import { farmBatchViewSchema, farmSubmitParamsSchema, farmSubmitResultSchema } from './farm.js';

/** Menu items that act on the document, which the page owns: main sends their names. */
export const MENU_COMMANDS = ['new', 'open', 'save', 'saveAs', 'saveComfyUi', 'loadDefault', 'queue', 'cancel', 'undo', 'redo'] as const;
export const menuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

export const openedFileSchema = z.object({
  path: z.string().min(1),
  name: z.string().min(1),
  /** The file's bytes: a workflow .json or a PNG that carries one. */
  base64: z.string(),
});
export type OpenedFile = z.infer<typeof openedFileSchema>;

export const saveWorkflowRequestSchema = z.object({
  text: z.string(),
  suggestedName: z.string().min(1).max(255),
  /** The file the document came from; absent for a new document or Save As. */
  path: z.string().min(1).optional(),
});
export type SaveWorkflowRequest = z.infer<typeof saveWorkflowRequestSchema>;

export const savedFileSchema = z.object({ path: z.string().min(1), name: z.string().min(1) });
export type SavedFile = z.infer<typeof savedFileSchema>;

export const shellChannels = {
  /**
   * An engine request. Only the envelope is checked here: the host then checks the parameters
   * against the engine's channel map and sets what the page may not choose (app/server/renderer-requests.ts).
   */
  engineRequest: {
    channel: 'engine:request',
    label: 'engine request',
    request: z.object({ name: z.string(), params: z.unknown() }),
    reply: z.unknown(),
  },
  /** Shows the native open dialog; null when the user cancels. */
  openWorkflow: { channel: 'workflow:open', label: 'open request', request: z.undefined(), reply: openedFileSchema.nullable() },
  /** Writes the text to `path`, or asks where first (no path, or Save As); null when cancelled. */
  saveWorkflow: { channel: 'workflow:save', label: 'save request', request: saveWorkflowRequestSchema, reply: savedFileSchema.nullable() },
  /** The editor's render farm, as the browser mode's POST api/farm/submit (app/protocol/farm.ts). */
  farmSubmit: { channel: 'farm:submit', label: 'farm submission', request: farmSubmitParamsSchema, reply: farmSubmitResultSchema },
  /**
   * The batch's view now, and farmBatch pushes from then on; null when main submitted no such batch
   * since it started (it was restarted).
   */
  farmFollow: { channel: 'farm:follow', label: 'farm batch request', request: z.object({ batchId: z.string().regex(/^[\w-]+$/) }), reply: farmBatchViewSchema.nullable() },
  /** Each change of a batch main submitted, to every window: a page keeps those of the batch it follows. */
  farmBatch: { channel: 'farm:batch', label: 'farm batch view', payload: farmBatchViewSchema },
  engineEvent: { channel: 'engine:event', label: 'engine event', payload: engineEventSchema },
  menuCommand: { channel: 'menu:command', label: 'menu command', payload: menuCommandSchema },
} as const;

type Channels = typeof shellChannels;
export type ShellChannelName = keyof Channels;
export type ShellInvokeName = { [N in ShellChannelName]: Channels[N] extends { request: z.ZodType } ? N : never }[ShellChannelName];
export type ShellPushName = Exclude<ShellChannelName, ShellInvokeName>;
export type ShellRequest<N extends ShellInvokeName> = z.infer<Channels[N]['request']>;
export type ShellReply<N extends ShellInvokeName> = z.infer<Channels[N]['reply']>;
export type ShellPush<N extends ShellPushName> = z.infer<Channels[N]['payload']>;

/** Main's reply as its schema says, or a throw naming the channel: a page cannot use anything else. */
export function parseShellReply<N extends ShellInvokeName>(name: N, raw: unknown): ShellReply<N> {
  const parsed = shellChannels[name].reply.safeParse(raw);
  if (!parsed.success) throw new Error(`the desktop shell answered the ${shellChannels[name].label} with something unexpected: ${parsed.error.message}`);
  return parsed.data as ShellReply<N>;
}

/** A pushed payload as its schema says, or null (logged): one bad message must not stop the stream. */
export function parseShellPush<N extends ShellPushName>(name: N, raw: unknown): ShellPush<N> | null {
  const parsed = shellChannels[name].payload.safeParse(raw);
  if (parsed.success) return parsed.data as ShellPush<N>;
  console.warn(`ignored a malformed ${shellChannels[name].label}`, parsed.error.message);
  return null;
}
