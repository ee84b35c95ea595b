import type { ErrorCode } from '@mlp/core';

/**
 * An error decided at the HTTP layer, with the exact status and MLflow error code to send: request
 * size, content type, routing and auth failures, which have no store-level MlpError of their own.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly mlpCode: ErrorCode;
  readonly headers: Record<string, string>;

  constructor(status: number, errorCode: string, mlpCode: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errorCode = errorCode;
    this.mlpCode = mlpCode;
    this.headers = headers;
  }
}

/** A 400 INVALID_PARAMETER_VALUE, MLflow's answer to any malformed request. */
export function invalidParameter(message: string): HttpError {
  return new HttpError(400, 'INVALID_PARAMETER_VALUE', 'INVALID_ARGUMENT', message);
}
