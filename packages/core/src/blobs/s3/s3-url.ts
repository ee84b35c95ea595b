// No SDK import here: open-blob-store parses s3:// URLs before it decides to load the driver.
import { MlpError } from '../../errors/mlp-error.js';
import { validateBlobPrefix } from '../blob-key.js';

export interface S3Location {
  bucket: string;
  /** '' or a key prefix ending with '/'; every key of the store lives under it. */
  prefix: string;
}

// Lenient on purpose: S3-compatible stores accept more than AWS's lowercase-only names.
const bucketName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** '' stays '', `runs` and `runs/` both become `runs/`; surrounding slashes are dropped. */
export function normalizeS3Prefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const normalized = `${trimmed}/`;
  const problem = validateBlobPrefix(normalized);
  if (problem)
    throw new MlpError('INVALID_ARGUMENT', `Invalid S3 key prefix ${JSON.stringify(prefix)}: ${problem}. Use a path such as 'team/blobs'.`);
  return normalized;
}

export function assertBucketName(bucket: string): void {
  if (!bucketName.test(bucket)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid S3 bucket name ${JSON.stringify(bucket)}: use up to 255 letters, digits, '.', '-' or '_', starting with a letter or digit.`,
    );
  }
}

/**
 * Splits `s3://bucket/some/prefix` into bucket and normalized prefix. The path is taken literally (no
 * percent-decoding), as the AWS CLI does.
 */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(url);
  if (!match) throw new MlpError('INVALID_ARGUMENT', `${JSON.stringify(url)} is not an S3 URL; write s3://bucket or s3://bucket/prefix.`);
  const bucket = match[1] ?? '';
  if (bucket === '')
    throw new MlpError('INVALID_ARGUMENT', `${JSON.stringify(url)} names no bucket; write s3://bucket or s3://bucket/prefix.`);
  try {
    assertBucketName(bucket);
    return { bucket, prefix: normalizeS3Prefix(match[2]) };
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `Invalid S3 URL ${JSON.stringify(url)}: ${(error as Error).message}`, { cause: error });
  }
}
