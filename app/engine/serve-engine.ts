/**
 * The engine process's main loop: reads its settings from its arguments, builds the node registry,
 * and answers the host's requests on the channel map of app/protocol. ONNX Runtime blocks its thread
 * while it runs, and may abort the whole process, so this runs in a process of its own.
 */
import { modelCatalog } from '../models/model-catalog.js';
import { hostMessageSchema } from '../protocol/index.js';
import { modelScheduleTable } from '../scalecrafter/schedule-table.js';
import { defaultEngineConfig, engineConfigSchema, type EngineConfig } from './engine-config.js';
import { hostChannel } from './engine-host-channel.js';
import { engineConfigFromArgv } from './engine-process.js';
import { EngineService } from './engine-service.js';
import type { NodeRegistry } from './node-registry.js';

/** `checkpointNames`: the names LoadCheckpoint offers (the registry's composition root knows them), for the `models` request. */
export function serveEngine(createRegistry: (config: EngineConfig) => NodeRegistry, checkpointNames: (config: EngineConfig) => readonly string[] = () => []): void {
  const channel = hostChannel();
  const config = engineConfigSchema.parse(engineConfigFromArgv(process.argv) ?? defaultEngineConfig());
  const service = new EngineService(createRegistry(config), (event) => channel.post({ kind: 'event', event }), modelScheduleTable, () => modelCatalog(config, checkpointNames(config)));

  channel.onMessage((raw: unknown) => {
    const parsed = hostMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // Without a valid requestId there is nobody to answer; the host's own schema makes this a bug.
      console.error(`engine process: ignored a malformed message: ${parsed.error.message}`);
      return;
    }
    const { requestId, name, params } = parsed.data;
    // Some requests (scheduleTable) run nodes and answer later.
    Promise.resolve()
      .then(() => service.handle(name, params))
      .then(
        (result) => channel.post({ kind: 'reply', requestId, result }),
        (error: unknown) => channel.post({ kind: 'reply', requestId, error: error instanceof Error ? error.message : String(error) }),
      );
  });

  channel.post({ kind: 'ready' });
}
