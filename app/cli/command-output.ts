/**
 * Output and error reporting shared by the model commands: the command's configured output (tests
 * capture it) and one-line errors, without a stack, for problems in what the user gave.
 */
import type { Command } from 'commander';
import { PipelineFolderExistsError } from '../models/folder-swap.js';
import { ModelConfigError } from '../models/sd/config-error.js';
import { SafetensorsFormatError } from '../models/weights/safetensors-header.js';
import { WeightError } from '../models/weights/weight-source.js';
import { describeProblem, UserFacingError } from '../protocol/user-facing-error.js';

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

/** Errors that describe a user's input (a file, a config, a folder): one line, no stack. */
const USER_INPUT_ERRORS = [WeightError, ModelConfigError, SafetensorsFormatError, PipelineFolderExistsError];

export async function reportingInputErrors(command: Command, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof UserFacingError) command.error(`error: ${describeProblem(error)}`);
    if (USER_INPUT_ERRORS.some((type) => error instanceof type)) command.error(`error: ${(error as Error).message}`);
    throw error;
  }
}
