import { errorCodes, MlpError } from '@mlp/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { describeFailure, isCommanderDone, USAGE_EXIT_CODE } from './cli-failure.js';

describe('describeFailure', () => {
  it.each(Object.entries(errorCodes))('maps MlpError %s to its exit code', (code, { exitCode }) => {
    const failure = describeFailure(new MlpError(code as keyof typeof errorCodes, 'what went wrong'));
    expect(failure).toEqual({ code, message: 'what went wrong', exitCode });
  });

  it('recognises an MlpError from another copy of the package by its marker', () => {
    const foreign = Object.assign(new Error('not here'), { [Symbol.for('@mlp/core/MlpError')]: true, code: 'NOT_FOUND', exitCode: 4 });
    expect(describeFailure(foreign)).toMatchObject({ code: 'NOT_FOUND', exitCode: 4 });
  });

  it('maps any other error to INTERNAL with exit code 70 and keeps the stack', () => {
    const failure = describeFailure(new TypeError('x is undefined'));
    expect(failure.code).toBe('INTERNAL');
    expect(failure.exitCode).toBe(70);
    expect(failure.message).toContain('x is undefined');
    expect(failure.stack).toContain('TypeError');
  });

  it('maps a thrown non-error value to INTERNAL', () => {
    expect(describeFailure('boom')).toMatchObject({ code: 'INTERNAL', exitCode: 70 });
    expect(describeFailure('boom').message).toContain('boom');
  });

  it('maps commander usage errors to INVALID_ARGUMENT with exit code 2', () => {
    const failure = describeFailure(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'fly'"));
    expect(failure).toEqual({
      code: 'INVALID_ARGUMENT',
      message: "Unknown command 'fly'. Run `mlp --help` for usage.",
      exitCode: USAGE_EXIT_CODE,
    });
    expect(USAGE_EXIT_CODE).toBe(2);
  });

  it('reports a missing command as a usage error', () => {
    expect(describeFailure(new CommanderError(1, 'commander.help', '(outputHelp)'))).toMatchObject({
      message: expect.stringContaining('No command given'),
      exitCode: 2,
    });
  });
});

describe('isCommanderDone', () => {
  it('is true after help or the version, false for usage errors and other errors', () => {
    expect(isCommanderDone(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(true);
    expect(isCommanderDone(new CommanderError(0, 'commander.version', '1.0.0'))).toBe(true);
    expect(isCommanderDone(new CommanderError(1, 'commander.unknownOption', 'error: unknown option'))).toBe(false);
    expect(isCommanderDone(new Error('x'))).toBe(false);
  });
});
