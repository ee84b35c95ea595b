import type { ErrorCode } from '../errors/error-codes.js';
import { MlpError } from '../errors/mlp-error.js';

/**
 * What the HTTP layer reads from an MlpError's details besides its code: the wire error code (one of
 * MLflow's, `REQUEST_LIMIT_EXCEEDED`), an exact status where the table's is not the one to send
 * (413, 405), and response headers (`www-authenticate`, `allow`).
 */
export interface HttpDetails {
  errorCode?: string;
  httpStatus?: number;
  httpHeaders?: Record<string, string>;
}

/** An MlpError decided at the HTTP layer (size, content type, routing, auth), with its wire details. */
export function httpProblem(code: ErrorCode, message: string, details: HttpDetails = {}): MlpError {
  return new MlpError(code, message, { details: { ...details } });
}

/** A 400 INVALID_PARAMETER_VALUE, MLflow's answer to any malformed request. */
export function invalidParameter(message: string): MlpError {
  return new MlpError('INVALID_ARGUMENT', message);
}
