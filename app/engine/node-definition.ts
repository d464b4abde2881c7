/**
 * What a node file exports: its schema and a stateless execute(). The input values handed to
 * execute() are typed from the schema, so a node cannot read a widget it did not declare.
 */
import type { ExecutionProviderPreference, InputSpec, NodeSchema, OutputSpec, PreviewImage, UiPayload, ValueType, WidgetValue } from '../protocol/index.js';
import type { EmbeddedWorkflow } from './embedded-workflow.js';
import type { SocketValue } from './socket-values.js';

type ValueOfInput<I extends InputSpec> = I extends { kind: 'socket'; type: infer T extends ValueType }
  ? SocketValue<T>
  : I extends { kind: 'INT' | 'FLOAT' | 'SEED' }
    ? number
    : I extends { kind: 'COMBO'; options: readonly (infer O)[] }
      ? O
      : I extends { kind: 'STRING' }
        ? string
        : I extends { kind: 'BOOLEAN' }
          ? boolean
          : never;

export type InputValues<Inputs extends readonly InputSpec[]> = {
  [I in Inputs[number] as I['name']]: I extends { optional: true } ? ValueOfInput<I> | undefined : ValueOfInput<I>;
};

export interface NodeContext {
  readonly jobId: string;
  readonly nodeId: string;
  /** Aborted when the user cancels; long loops call `signal.throwIfAborted()` between steps. */
  readonly signal: AbortSignal;
  /** Folder that output nodes write into (chosen by the host, never by the workflow). */
  readonly outputDir: string;
  /** The execution provider the user asked for; model nodes fall back from it and say so. */
  readonly executionProvider: ExecutionProviderPreference;
  /** What output files embed (PNG tEXt chunks): keyword → JSON; app/engine/embedded-workflow.ts. Computed on first use. */
  embeddedWorkflow(): EmbeddedWorkflow;
  progress(value: number, max: number, preview?: PreviewImage): void;
  /** A line for the user: which device ran, a prompt that was cut… */
  message(level: 'info' | 'warning', text: string): void;
}

export interface NodeResult {
  /** One value per declared output, in order. */
  outputs: readonly unknown[];
  /** What the UI shows for this node (output nodes). */
  ui?: UiPayload;
}

import type { FieldProblem } from '../protocol/issues.js';

export type { FieldProblem };

/** Upgrades one node's stored widget values from `fromVersion` to `fromVersion + 1`. */
export interface NodeMigration {
  fromVersion: number;
  migrate(widgets: Record<string, WidgetValue>): Record<string, WidgetValue>;
}

export interface NodeSpec<Inputs extends readonly InputSpec[] = readonly InputSpec[]> extends Omit<NodeSchema, 'inputs' | 'outputs'> {
  inputs: Inputs;
  outputs: readonly OutputSpec[];
}

export interface NodeDefinition<Inputs extends readonly InputSpec[] = readonly InputSpec[]> {
  schema: NodeSpec<Inputs>;
  migrations?: readonly NodeMigration[];
  /**
   * For nodes that read something outside the graph (an image file): a string that changes when
   * that thing changes. It joins the cache key, so an edited file re-runs the node (ComfyUI's IS_CHANGED).
   */
  fingerprint?(values: Partial<InputValues<Inputs>>): string;
  /** Checks that depend on several widget values, beyond each widget's own range. */
  checkWidgets?(values: Partial<InputValues<Inputs>>): FieldProblem[];
  execute(inputs: InputValues<Inputs>, context: NodeContext): Promise<NodeResult> | NodeResult;
}

/** Identity at run time; exists so TypeScript infers the literal schema and types execute()'s inputs. */
export function defineNode<const Inputs extends readonly InputSpec[]>(definition: NodeDefinition<Inputs>): NodeDefinition<Inputs> {
  return definition;
}

/** The registry stores definitions without their input-type parameter. */
export type AnyNodeDefinition = NodeDefinition<readonly InputSpec[]>;
