/** `scalecrafter`: run, check and inspect workflows, and build models, from a terminal. */
import { Command } from 'commander';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { registerBatchCommand } from './commands/batch.js';
import { registerDisperseCommand } from './commands/disperse.js';
import { registerExportCommand } from './commands/export.js';
import { registerModelsCommand } from './commands/models.js';
import { registerModelsPrepareCommand } from './commands/models-prepare.js';
import { registerNodesCommand } from './commands/nodes.js';
import { registerRunCommand } from './commands/run.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerServeCommand } from './commands/serve.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerWorkerCommand } from './commands/worker.js';

/**
 * A reader that stops early (`scalecrafter schedule --json | head`) closes the pipe; the next
 * write fails with EPIPE. Unix tools die of SIGPIPE there, quietly — Node ignores SIGPIPE and
 * would report an unhandled 'error' event with a stack trace instead, so exit as the tools do.
 */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export function createProgram(): Command {
  const program = new Command('scalecrafter')
    .description('ScaleCrafter Studio: tuning-free high-resolution image generation, from the command line')
    .showHelpAfterError();
  registerRunCommand(program);
  registerValidateCommand(program);
  registerExportCommand(program);
  registerNodesCommand(program);
  registerServeCommand(program);
  registerModelsCommand(program);
  registerModelsPrepareCommand(program);
  registerScheduleCommand(program);
  registerDisperseCommand(program);
  registerWorkerCommand(program);
  registerBatchCommand(program);
  return program;
}

/** A problem the user can fix is one line and its hint, no stack; anything else is a bug and keeps its stack. */
function reportProblem(error: UserFacingError): void {
  process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  process.exitCode = 1;
}

exitQuietlyOnClosedStdout();
await createProgram().parseAsync(process.argv).catch((error: unknown) => {
  if (!(error instanceof UserFacingError)) throw error;
  reportProblem(error);
});
