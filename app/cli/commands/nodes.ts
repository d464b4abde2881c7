import type { Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import type { InputSpec, NodeSchema } from '../../protocol/index.js';

export function registerNodesCommand(program: Command): void {
  program
    .command('nodes')
    .description('list every node type with its inputs, widgets and outputs')
    .option('--json', 'print the schemas as JSON (what the canvas receives)')
    .action(async (options: { json?: boolean }) => {
      const engine = await EngineClient.start();
      let schemas: NodeSchema[];
      try {
        schemas = await engine.request('nodeSchemas', {});
      } finally {
        await engine.close();
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(schemas, null, 2)}\n`);
        return;
      }
      for (const schema of [...schemas].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type))) {
        process.stdout.write(`${schema.type} (v${schema.version}) — ${schema.category}${schema.outputNode ? ', output node' : ''}\n  ${schema.description}\n`);
        for (const input of schema.inputs) process.stdout.write(`    in  ${describeInput(input)}\n`);
        schema.outputs.forEach((output, slot) => process.stdout.write(`    out ${slot}: ${output.name} (${output.type})\n`));
      }
    });
}

function describeInput(input: InputSpec): string {
  const optional = input.optional ? ' optional' : '';
  switch (input.kind) {
    case 'socket':
      return `${input.name}: ${input.type} socket${optional}`;
    case 'INT':
    case 'FLOAT':
      return `${input.name}: ${input.kind} ${input.default} [${input.min}..${input.max}] step ${input.step}${optional}`;
    case 'SEED':
      return `${input.name}: SEED ${input.default} (control: ${input.controlDefault})${optional}`;
    case 'COMBO':
      return `${input.name}: one of ${input.options.join(' | ')} (default ${input.default})${optional}`;
    case 'STRING':
      return `${input.name}: ${input.multiline ? 'multiline ' : ''}text${optional}`;
    case 'BOOLEAN':
      return `${input.name}: BOOLEAN ${input.default}${optional}`;
  }
}
