import { databaseDamagedError, exitCodeFor, isDatabaseDamage, MlpError } from '@mlp/core';
import { CommanderError } from 'commander';

/** Exit code of a command line the CLI could not understand (unknown command or option, missing argument). */
export const USAGE_EXIT_CODE = 2;

/** What the CLI prints and returns for a failure. */
export interface CliFailure {
  code: string;
  message: string;
  exitCode: number;
  /** For unexpected errors: shown at `--log-level debug`. */
  stack?: string;
}

/** Commander ends parsing with these codes when it has printed help or the version: successes, not failures. */
const commanderDone = new Set(['commander.helpDisplayed', 'commander.version']);

/** True when commander stopped after printing help or the version, which is not an error. */
export function isCommanderDone(error: unknown): error is CommanderError {
  return error instanceof CommanderError && commanderDone.has(error.code);
}

/**
 * Maps anything thrown to a code, a message and an exit code: an MlpError keeps its own; a usage error
 * from commander is INVALID_ARGUMENT with exit code 2; a damaged database is FAILED_PRECONDITION; anything else is INTERNAL.
 */
export function describeFailure(error: unknown): CliFailure {
  if (MlpError.isInstance(error)) return { code: error.code, message: error.message, exitCode: error.exitCode };
  // A table whose files are lost fails every command that reads it: say so, not "report it".
  if (isDatabaseDamage(error)) return describeFailure(databaseDamagedError(error));
  if (error instanceof CommanderError) {
    const message = error.code === 'commander.help' ? 'No command given.' : sentence(error.message.replace(/^error: /, ''));
    return { code: 'INVALID_ARGUMENT', message: `${message} Run \`mlp --help\` for usage.`, exitCode: USAGE_EXIT_CODE };
  }
  const message = error instanceof Error ? error.message : String(error);
  const failure: CliFailure = {
    code: 'INTERNAL',
    message: `${message || 'Unexpected error'} (an unexpected failure: run again with --log-level debug for the stack, and report it if it persists).`,
    exitCode: exitCodeFor('INTERNAL'),
  };
  if (error instanceof Error && error.stack) failure.stack = error.stack;
  return failure;
}

/** One line, capitalised, ending in punctuation: `unknown command 'x'\n(Did you mean y?)` → `Unknown command 'x' (Did you mean y?)`. */
function sentence(text: string): string {
  const line = text
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/^./, (first) => first.toUpperCase());
  return /[.?!)]$/.test(line) ? line : `${line}.`;
}
