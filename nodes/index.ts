/**
 * The node registry's composition root. Only the engine worker (and tests that build their own
 * engine) import this file; everything else learns the node types from their schemas.
 */
import { NodeRegistry } from '../app/engine/node-registry.js';
import type { AnyNodeDefinition } from '../app/engine/node-definition.js';
import { delay } from './delay.js';
import { mathFloat } from './math-float.js';
import { numberToText } from './number-to-text.js';
import { primitiveFloat } from './primitive-float.js';
import { primitiveInt } from './primitive-int.js';
import { primitiveString } from './primitive-string.js';
import { saveText } from './save-text.js';
import { showText } from './show-text.js';
import { textConcat } from './text-concat.js';
import { textToNumber } from './text-to-number.js';
import { timestamp } from './timestamp.js';

export const nodeDefinitions: readonly AnyNodeDefinition[] = [
  primitiveInt,
  primitiveFloat,
  primitiveString,
  mathFloat,
  textConcat,
  textToNumber,
  numberToText,
  timestamp,
  delay,
  showText,
  saveText,
];

export function createNodeRegistry(): NodeRegistry {
  return new NodeRegistry(nodeDefinitions);
}
