/** Runs `scalecrafter models …` in-process with its output captured (commander's exitOverride turns exits into CommanderErrors). */
import { Command } from 'commander';
import { registerModelsCommand } from '../../../app/cli/commands/models.js';

export async function models(args: readonly string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command('scalecrafter').exitOverride().configureOutput({ writeOut: (text) => (out += text), writeErr: (text) => (err += text) });
  registerModelsCommand(program);
  await program.parseAsync(['models', ...args], { from: 'user' });
  return { out, err };
}
