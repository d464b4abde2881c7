/**
 * The engine worker's entry point and composition root: the only place that imports the node
 * registry. ONNX Runtime blocks its thread while it runs, so the engine lives here, off the host's
 * event loop; the host talks to it through the channel map in app/protocol.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hostMessageSchema, type WorkerMessage } from '../protocol/index.js';
import { createNodeRegistry } from '../../nodes/index.js';
import { checkpointChoices } from '../../nodes/load-checkpoint.js';
import { modelCatalog } from '../models/model-catalog.js';
import { modelScheduleTable } from '../scalecrafter/schedule-table.js';
import { defaultEngineConfig, engineConfigSchema } from './engine-config.js';
import { EngineService } from './engine-service.js';

if (!parentPort) throw new Error('worker-main must run in a worker thread');
const port = parentPort;
const post = (message: WorkerMessage) => port.postMessage(message);

const config = engineConfigSchema.parse(workerData ?? defaultEngineConfig());
const service = new EngineService(createNodeRegistry(config), (event) => post({ kind: 'event', event }), modelScheduleTable, () => modelCatalog(config, checkpointChoices(config)));

port.on('message', (raw: unknown) => {
  const parsed = hostMessageSchema.safeParse(raw);
  if (!parsed.success) {
    // Without a valid requestId there is nobody to answer; the host's own schema makes this a bug.
    console.error(`engine worker: ignored a malformed message: ${parsed.error.message}`);
    return;
  }
  const { requestId, name, params } = parsed.data;
  // Some requests (scheduleTable) run nodes and answer later.
  Promise.resolve()
    .then(() => service.handle(name, params))
    .then(
      (result) => post({ kind: 'reply', requestId, result }),
      (error: unknown) => post({ kind: 'reply', requestId, error: error instanceof Error ? error.message : String(error) }),
    );
});

post({ kind: 'ready' });
