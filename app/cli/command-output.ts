/**
 * The output shared by the model commands: the command's configured output, which tests capture.
 * (Problems in what the user gave are UserFacingErrors, printed by the program's one reporter.)
 */
import type { Command } from 'commander';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The command's configured output (tests capture it), else the process streams. */
export function outputOf(command: Command): Output {
  const configured = command.configureOutput();
  return {
    out: configured.writeOut ?? ((text) => process.stdout.write(text)),
    err: configured.writeErr ?? ((text) => process.stderr.write(text)),
  };
}
