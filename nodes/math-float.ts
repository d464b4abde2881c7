import { defineNode } from '../app/engine/node-definition.js';
import { UserFacingError } from '../app/protocol/user-facing-error.js';

const OPERATIONS = ['add', 'subtract', 'multiply', 'divide', 'power', 'min', 'max'] as const;

export const mathFloat = defineNode({
  schema: {
    type: 'MathFloat',
    displayName: 'Math',
    category: 'utils/math',
    description: 'Combines two numbers (a op b), e.g. to derive a size or a dilation factor from another.',
    version: 1,
    outputNode: false,
    idempotent: true,
    inputs: [
      { name: 'a', kind: 'FLOAT', default: 0, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, step: 0.01 },
      { name: 'op', kind: 'COMBO', options: OPERATIONS, default: 'add' },
      { name: 'b', kind: 'FLOAT', default: 0, min: -Number.MAX_VALUE, max: Number.MAX_VALUE, step: 0.01 },
    ],
    outputs: [{ name: 'FLOAT', type: 'FLOAT' }],
  },
  execute: ({ a, op, b }) => {
    if (op === 'divide' && b === 0) throw new UserFacingError('division by zero', { field: 'b', hint: 'b must not be 0 when dividing' });
    const result = { add: a + b, subtract: a - b, multiply: a * b, divide: a / b, power: a ** b, min: Math.min(a, b), max: Math.max(a, b) }[op];
    if (!Number.isFinite(result)) throw new UserFacingError(`${a} ${op} ${b} is not a finite number`, { field: 'b' });
    return { outputs: [result] };
  },
});
