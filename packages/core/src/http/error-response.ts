import { isDatabaseDamage } from '../db/database-damage.js';
import { type ErrorCode, httpStatusFor } from '../errors/error-codes.js';
import { MlpError } from '../errors/mlp-error.js';

/** What an error looks like on the wire: MLflow's body plus the mlp code, so mlp clients lose nothing. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error_code: string; message: string; mlp_error_code: ErrorCode };
}

/**
 * The wire error code for each mlp code: MLflow's names (`databricks_pb2.ErrorCode`). MLflow reports
 * writes to deleted runs and experiments as INVALID_PARAMETER_VALUE, so FAILED_PRECONDITION maps there;
 * `mlp_error_code` keeps the precise code.
 */
export const wireErrorCodes: Record<ErrorCode, string> = {
  NOT_FOUND: 'RESOURCE_DOES_NOT_EXIST',
  ALREADY_EXISTS: 'RESOURCE_ALREADY_EXISTS',
  INVALID_ARGUMENT: 'INVALID_PARAMETER_VALUE',
  FAILED_PRECONDITION: 'INVALID_PARAMETER_VALUE',
  CONFLICT: 'RESOURCE_CONFLICT',
  UNAVAILABLE: 'TEMPORARILY_UNAVAILABLE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  INTERNAL: 'INTERNAL_ERROR',
};

/**
 * MLflow's statuses for its error codes (`mlflow/exceptions.py`), which win where MLflow defines one:
 * RESOURCE_ALREADY_EXISTS is 400 there, not core's 409. A code MLflow does not define gets core's
 * status (`httpStatusFor`).
 */
const mlflowStatuses: Record<string, number> = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  BAD_REQUEST: 400,
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_CONFLICT: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  TEMPORARILY_UNAVAILABLE: 503,
  NOT_IMPLEMENTED: 501,
};

/** The status for a wire error code: MLflow's where it has one, core's table otherwise. */
export function wireStatusFor(code: ErrorCode, errorCode: string = wireErrorCodes[code]): number {
  return mlflowStatuses[errorCode] ?? httpStatusFor(code);
}

/** Each mlp code with the wire code and status it is sent with when nothing more precise is given. */
export const mlflowErrorTable: Record<ErrorCode, { errorCode: string; status: number }> = Object.fromEntries(
  (Object.keys(wireErrorCodes) as ErrorCode[]).map((code) => [code, { errorCode: wireErrorCodes[code], status: wireStatusFor(code) }]),
) as Record<ErrorCode, { errorCode: string; status: number }>;

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The response for anything a handler threw: an MlpError by its code and HTTP details (see
 * `httpProblem`). Errors that are not MlpErrors are bugs or driver failures: their text may expose
 * internals, so the client gets the request id and the log gets the rest.
 */
export function errorResponse(error: unknown, requestId: string): ErrorResponse {
  if (causedByDatabaseDamage(error)) return damagedDatabaseResponse(requestId);
  if (!MlpError.isInstance(error)) {
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
  const code = Object.hasOwn(wireErrorCodes, error.code) ? error.code : 'INTERNAL';
  const details = error.details ?? {};
  const errorCode = text(details.errorCode) ?? wireErrorCodes[code];
  const status = typeof details.httpStatus === 'number' ? details.httpStatus : wireStatusFor(code, errorCode);
  const headers = (typeof details.httpHeaders === 'object' && details.httpHeaders !== null ? details.httpHeaders : {}) as Record<
    string,
    string
  >;
  return { status, headers, body: { error_code: errorCode, message: error.message, mlp_error_code: code } };
}

/** Whether the error, or one it wraps, is PostgreSQL reporting missing or corrupt files. */
function causedByDatabaseDamage(error: unknown): boolean {
  for (let at = error, depth = 0; at !== undefined && at !== null && depth < 8; at = (at as { cause?: unknown }).cause, depth++) {
    if (isDatabaseDamage(at)) return true;
  }
  return false;
}

/**
 * A damaged database answered as the CLI reports it (FAILED_PRECONDITION, what to do), with MLflow's
 * INVALID_STATE (500): no request of the client's can fix it. The driver's text names files inside the
 * cluster, so it stays in the server's log.
 */
function damagedDatabaseResponse(requestId: string): ErrorResponse {
  return {
    status: wireStatusFor('FAILED_PRECONDITION', 'INVALID_STATE'),
    headers: {},
    body: {
      error_code: 'INVALID_STATE',
      message: `The workspace database is damaged (request ${requestId}; the server log has the details). Run \`mlp doctor\` on the server to see which tables fail, then restore the database from a backup.`,
      mlp_error_code: 'FAILED_PRECONDITION',
    },
  };
}
