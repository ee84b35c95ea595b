import { describe, expect, it } from 'vitest';
import { errorCodes, exitCodeFor, httpStatusFor } from './error-codes.js';
import { MlpError, toMlpError } from './mlp-error.js';

describe('MlpError', () => {
  it('carries a code, a message, HTTP status and exit code from the one table', () => {
    const error = new MlpError('NOT_FOUND', 'Run abc does not exist.');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.httpStatus).toBe(404);
    expect(error.exitCode).toBe(exitCodeFor('NOT_FOUND'));
    expect(error.toJSON()).toEqual({ code: 'NOT_FOUND', message: 'Run abc does not exist.' });
  });

  it('is recognised by isInstance across copies of the package (same registry symbol)', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'CONFLICT', [Symbol.for('@mlp/core/MlpError')]: true });
    expect(MlpError.isInstance(foreign)).toBe(true);
    expect(MlpError.isInstance(new Error('plain'))).toBe(false);
    expect(MlpError.isInstance({ code: 'NOT_FOUND' })).toBe(false);
    expect(MlpError.isInstance(null)).toBe(false);
  });

  it('maps every code to a distinct-enough HTTP status and a non-zero exit code', () => {
    for (const code of Object.keys(errorCodes) as (keyof typeof errorCodes)[]) {
      expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
      expect(exitCodeFor(code)).toBeGreaterThan(0);
    }
    expect(httpStatusFor('INVALID_ARGUMENT')).toBe(400);
    expect(httpStatusFor('UNAVAILABLE')).toBe(503);
  });

  it('wraps foreign errors as INTERNAL and keeps MlpErrors as they are', () => {
    const original = new MlpError('CONFLICT', 'x');
    expect(toMlpError(original)).toBe(original);
    const wrapped = toMlpError(new TypeError('bad'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toBe('bad');
    expect(wrapped.cause).toBeInstanceOf(TypeError);
  });
});
