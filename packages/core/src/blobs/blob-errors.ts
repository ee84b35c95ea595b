import { MlpError } from '../errors/mlp-error.js';

/** NOT_FOUND for `get` of an absent key, worded the same by every driver. */
export function blobNotFound(key: string, location: string, cause?: unknown): MlpError {
  return new MlpError('NOT_FOUND', `No blob '${key}' in ${location}. Check the key, or list the store to see what it holds.`, {
    cause,
    details: { key, location },
  });
}

/**
 * The error of an operation stopped by its AbortSignal. The closed code set has no CANCELLED, so it is
 * UNAVAILABLE (the operation did not complete and can be retried) marked `details.aborted`.
 */
export function blobAborted(operation: string, key: string, signal: AbortSignal | undefined): MlpError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  const outcome = operation === 'put' ? ' Nothing was stored: the previous value, if any, is unchanged.' : '';
  return new MlpError('UNAVAILABLE', `The ${operation} of blob '${key}' was aborted (${why}).${outcome}`, {
    cause: reason,
    details: { key, aborted: true },
  });
}

/** The error of a `put` whose body stream failed; MlpErrors from the body pass through unchanged. */
export function blobBodyFailed(key: string, bytesRead: number, cause: unknown): MlpError {
  if (MlpError.isInstance(cause)) return cause;
  const why = cause instanceof Error ? cause.message : String(cause);
  return new MlpError(
    'UNAVAILABLE',
    `Reading the body of blob '${key}' failed after ${bytesRead} bytes (${why}). Nothing was stored: the previous value, if any, is unchanged. Retry with a fresh stream.`,
    { cause, details: { key, bytesRead } },
  );
}
