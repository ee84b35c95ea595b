import { type ErrorCode, errorCodes } from './error-codes.js';

// A registry-wide symbol, so an error thrown by one copy of @mlp/core is recognised by another.
const marker = Symbol.for('@mlp/core/MlpError');

export interface MlpErrorOptions {
  cause?: unknown;
  /** Structured facts for logs and API bodies (never secrets). */
  details?: Record<string, unknown>;
}

/** The one error type of mlp: a code from a closed set and a message that says what to do. */
export class MlpError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly [marker] = true;

  constructor(code: ErrorCode, message: string, options: MlpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlpError';
    this.code = code;
    this.details = options.details;
  }

  get httpStatus(): number {
    return errorCodes[this.code].httpStatus;
  }

  get exitCode(): number {
    return errorCodes[this.code].exitCode;
  }

  static isInstance(value: unknown): value is MlpError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/** Wraps anything thrown into an MlpError, keeping MlpErrors as they are. */
export function toMlpError(error: unknown, code: ErrorCode = 'INTERNAL'): MlpError {
  if (MlpError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MlpError(code, message, { cause: error });
}
