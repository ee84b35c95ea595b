/** The closed set of error codes every mlp package throws, with how each surfaces over HTTP and in the CLI. */
export const errorCodes = {
  NOT_FOUND: { httpStatus: 404, exitCode: 4 },
  ALREADY_EXISTS: { httpStatus: 409, exitCode: 5 },
  INVALID_ARGUMENT: { httpStatus: 400, exitCode: 2 },
  FAILED_PRECONDITION: { httpStatus: 412, exitCode: 1 },
  CONFLICT: { httpStatus: 409, exitCode: 6 },
  UNAVAILABLE: { httpStatus: 503, exitCode: 7 },
  UNAUTHENTICATED: { httpStatus: 401, exitCode: 8 },
  PERMISSION_DENIED: { httpStatus: 403, exitCode: 9 },
  INTERNAL: { httpStatus: 500, exitCode: 70 },
} as const satisfies Record<string, { httpStatus: number; exitCode: number }>;

export type ErrorCode = keyof typeof errorCodes;

export function httpStatusFor(code: ErrorCode): number {
  return errorCodes[code].httpStatus;
}

export function exitCodeFor(code: ErrorCode): number {
  return errorCodes[code].exitCode;
}
