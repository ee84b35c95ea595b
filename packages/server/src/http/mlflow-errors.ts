import { type ErrorCode, MlpError } from '@mlp/core';
import { HttpError } from './http-error.js';

/** What an error looks like on the wire: MLflow's body plus the mlp code, so mlp clients lose nothing. */
export interface MlflowErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error_code: string; message: string; mlp_error_code: ErrorCode };
}

/**
 * The one table from mlp error codes to MLflow's error codes and HTTP statuses. Statuses are
 * MLflow's (`mlflow/exceptions.py`): RESOURCE_ALREADY_EXISTS is 400 there, not 409. MLflow reports
 * writes to deleted runs and experiments as INVALID_PARAMETER_VALUE, so FAILED_PRECONDITION maps there;
 * `mlp_error_code` keeps the precise code for mlp's own client.
 */
export const mlflowErrorTable: Record<ErrorCode, { errorCode: string; status: number }> = {
  NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  INVALID_ARGUMENT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  FAILED_PRECONDITION: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  CONFLICT: { errorCode: 'RESOURCE_CONFLICT', status: 409 },
  UNAVAILABLE: { errorCode: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  UNAUTHENTICATED: { errorCode: 'UNAUTHENTICATED', status: 401 },
  PERMISSION_DENIED: { errorCode: 'PERMISSION_DENIED', status: 403 },
  INTERNAL: { errorCode: 'INTERNAL_ERROR', status: 500 },
};

/**
 * The response for anything a handler threw. Errors that are not MlpErrors are bugs or driver
 * failures: their text may expose internals, so the client gets the request id and the log gets the rest.
 */
export function toMlflowError(error: unknown, requestId: string): MlflowErrorResponse {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      headers: error.headers,
      body: { error_code: error.errorCode, message: error.message, mlp_error_code: error.mlpCode },
    };
  }
  if (MlpError.isInstance(error)) {
    const { errorCode, status } = mlflowErrorTable[error.code] ?? mlflowErrorTable.INTERNAL;
    return { status, headers: {}, body: { error_code: errorCode, message: error.message, mlp_error_code: error.code } };
  }
  return {
    status: 500,
    headers: {},
    body: {
      error_code: 'INTERNAL_ERROR',
      message: `Internal error while handling request ${requestId}; the server log has the details.`,
      mlp_error_code: 'INTERNAL',
    },
  };
}
