/** Small text-only workflows for engine tests: no model, so they run in milliseconds (or as long as asked). */
import type { NodeRegistry } from '../../app/engine/node-registry.js';
import type { Workflow } from '../../app/protocol/index.js';
import { WorkflowBuilder } from './workflow-builder.js';

/** text → Delay(seconds) (node 2, cancellable, reports progress) → ShowText (node 3). */
export function delayedText(registry: NodeRegistry, text: string, seconds: number): Workflow {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: text });
  graph.add('Delay', { seconds });
  graph.connect(1, 0, 2, 'text');
  graph.add('ShowText');
  graph.connect(2, 0, 3, 'text');
  return graph.build();
}

/** text → TextToNumber (node 2, fails on its "text" field unless `text` is a number) → NumberToText → ShowText. */
export function textAsNumber(registry: NodeRegistry, text: string): Workflow {
  const graph = new WorkflowBuilder(registry);
  graph.add('PrimitiveString', { value: text });
  graph.add('TextToNumber');
  graph.connect(1, 0, 2, 'text');
  graph.add('NumberToText');
  graph.connect(2, 0, 3, 'value');
  graph.add('ShowText');
  graph.connect(3, 0, 4, 'text');
  return graph.build();
}
