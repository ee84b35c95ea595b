import { MlpError } from '../../errors/mlp-error.js';
import { blobNotFound } from '../blob-errors.js';

export type S3Operation = 'put' | 'get' | 'head' | 'list' | 'delete';

export interface S3ErrorContext {
  operation: S3Operation;
  key: string;
  bucket: string;
  /** `s3://bucket/prefix`, for messages. */
  location: string;
  /** The endpoint URL, or a description of AWS's, for messages. */
  endpoint: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'EPROTO',
]);
const credentialErrors = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

/** The system error code of a network failure, looking through `cause` chains the SDK adds. */
function connectionCode(error: SdkErrorShape | undefined, depth = 0): string | undefined {
  if (!error || depth > 3) return undefined;
  if (error.code && connectionCodes.has(error.code)) return error.code;
  if (error.name === 'TimeoutError') return 'timeout';
  return connectionCode(error.cause as SdkErrorShape | undefined, depth + 1);
}

/** Turns an error of the AWS SDK into an MlpError that says what to do. */
export function mapS3Error(error: unknown, context: S3ErrorContext): MlpError {
  if (MlpError.isInstance(error)) return error;
  const { operation, key, bucket, location, endpoint } = context;
  const sdk = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorShape;
  const name = sdk.name ?? 'Error';
  const status = sdk.$metadata?.httpStatusCode;
  const why = sdk.message || name;
  const what = operation === 'list' ? `list keys starting with '${key}' in ${location}` : `${operation} blob '${key}' in ${location}`;
  const details = { key, bucket, endpoint, s3Error: name, httpStatus: status };

  if (name === 'NoSuchBucket') {
    return new MlpError(
      'NOT_FOUND',
      `Cannot ${what}: bucket '${bucket}' does not exist at ${endpoint}. Create it, or fix the bucket name.`,
      { cause: error, details },
    );
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return blobNotFound(key, location, error);
  }
  if (credentialErrors.has(name) || status === 401) {
    return new MlpError(
      'UNAUTHENTICATED',
      `Cannot ${what}: the S3 credentials were rejected or not found (${name}: ${why}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or blobs.s3 in mlp.config.json) to valid keys for ${endpoint}.`,
      { cause: error, details },
    );
  }
  if (name === 'AccessDenied' || status === 403) {
    return new MlpError(
      'PERMISSION_DENIED',
      `Cannot ${what}: access denied by ${endpoint} (${why}). Grant these credentials access to bucket '${bucket}'.`,
      {
        cause: error,
        details,
      },
    );
  }
  const network = connectionCode(sdk);
  if (network) {
    return new MlpError(
      'UNAVAILABLE',
      `Cannot ${what}: the S3 endpoint ${endpoint} is unreachable (${network}: ${why}). Check that it is running and the endpoint URL is right, then retry.`,
      {
        cause: error,
        details,
      },
    );
  }
  if ((status !== undefined && (status >= 500 || status === 429)) || name === 'SlowDown' || name === 'ServiceUnavailable') {
    return new MlpError('UNAVAILABLE', `Cannot ${what}: ${endpoint} answered ${status ?? name} (${why}). Retry later.`, {
      cause: error,
      details,
    });
  }
  if (/region/i.test(why) && /missing/i.test(why)) {
    return new MlpError(
      'FAILED_PRECONDITION',
      `Cannot ${what}: no AWS region is configured. Set AWS_REGION, MLP_S3_REGION or blobs.s3.region.`,
      { cause: error, details },
    );
  }
  return new MlpError('INTERNAL', `Cannot ${what} at ${endpoint}: ${name}: ${why}`, { cause: error, details });
}
