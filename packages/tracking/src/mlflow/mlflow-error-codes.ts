import { type ErrorCode, errorCodes, MlpError } from '@mlp/core';

/** MLflow's error codes (`databricks.proto`) as mlp codes; the reverse of `@mlp/server`'s table, widened to every code MLflow sends. */
export const mlpCodeForMlflow: Record<string, ErrorCode> = {
  RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
  NOT_FOUND: 'NOT_FOUND',
  ENDPOINT_NOT_FOUND: 'NOT_FOUND',
  INVALID_PARAMETER_VALUE: 'INVALID_ARGUMENT',
  BAD_REQUEST: 'INVALID_ARGUMENT',
  MALFORMED_REQUEST: 'INVALID_ARGUMENT',
  INVALID_STATE: 'FAILED_PRECONDITION',
  RESOURCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  RESOURCE_CONFLICT: 'CONFLICT',
  ABORTED: 'CONFLICT',
  TEMPORARILY_UNAVAILABLE: 'UNAVAILABLE',
  REQUEST_LIMIT_EXCEEDED: 'UNAVAILABLE',
  RESOURCE_EXHAUSTED: 'UNAVAILABLE',
  DEADLINE_EXCEEDED: 'UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  CUSTOMER_UNAUTHORIZED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  INTERNAL_ERROR: 'INTERNAL',
  NOT_IMPLEMENTED: 'INTERNAL',
  DATA_LOSS: 'INTERNAL',
};

/** For answers without a known error code (a proxy's HTML page, an old server). */
function mlpCodeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'INVALID_ARGUMENT';
  return 'INTERNAL';
}

const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && Object.hasOwn(errorCodes, value);

/**
 * The MlpError for an MLflow error answer. mlp's server adds `mlp_error_code`, which is exact; for
 * other servers the MLflow code, then the HTTP status, decide.
 */
export function mlflowResponseError(status: number, bodyText: string, endpoint: string): MlpError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: a proxy or a server without this endpoint; the status decides.
  }
  const mlflowCode = typeof body.error_code === 'string' ? body.error_code : undefined;
  const known = mlflowCode !== undefined && Object.hasOwn(mlpCodeForMlflow, mlflowCode) ? mlpCodeForMlflow[mlflowCode] : undefined;
  const code = isErrorCode(body.mlp_error_code) ? body.mlp_error_code : (known ?? mlpCodeForStatus(status));
  const message =
    typeof body.message === 'string' && body.message !== ''
      ? body.message
      : `The MLflow server answered ${endpoint} with HTTP ${status}${bodyText ? `: ${bodyText.slice(0, 200)}` : ''}.`;
  return new MlpError(code, message, { details: { status, endpoint, ...(mlflowCode ? { mlflowErrorCode: mlflowCode } : {}) } });
}
