import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Settings } from '../config/config-schema.js';
import { MlpError } from '../errors/mlp-error.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { createMemoryBlobStore } from './memory-blob-store.js';
import { parseS3Url } from './s3/s3-url.js';

export interface OpenBlobStoreContext {
  /** Plain paths resolve against this folder (the workspace root); default: the current directory. */
  baseDir?: string;
  /** Endpoint, region and keys for `s3://` URLs. */
  s3?: S3Settings;
}

type S3Module = typeof import('./s3/index.js');

/** Whether loading failed because an @aws-sdk package is not installed, looking through wrapped causes. */
function isMissingSdk(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as NodeJS.ErrnoException;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /@aws-sdk\//.test(String(message))) return true;
    current = (current as Error).cause;
  }
  return false;
}

/** Loads the S3 driver only when an s3:// URL asks for it, so the AWS SDK stays an optional peer dependency. */
async function loadS3Driver(): Promise<S3Module> {
  try {
    return await import('./s3/index.js');
  } catch (error) {
    if (!isMissingSdk(error))
      throw new MlpError('INTERNAL', `Loading the S3 blob driver failed: ${(error as Error).message}`, { cause: error });
    throw new MlpError(
      'FAILED_PRECONDITION',
      'The blob store URL is s3://, but the AWS SDK is not installed. Run `npm install @aws-sdk/client-s3 @aws-sdk/lib-storage` in your project.',
      { cause: error },
    );
  }
}

function s3Credentials(s3: S3Settings): { accessKeyId: string; secretAccessKey: string } | undefined {
  const { accessKeyId, secretAccessKey } = s3;
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      'S3 settings name only one of accessKeyId and secretAccessKey; set both, or neither to use the AWS default credential chain.',
    );
  }
  return { accessKeyId, secretAccessKey };
}

/**
 * Opens the blob store a URL names: `memory://`, `s3://bucket/prefix`, `file:///absolute/path`, or a
 * plain path (relative to `baseDir`).
 */
export async function openBlobStore(url: string, context: OpenBlobStoreContext = {}): Promise<BlobStore> {
  if (typeof url !== 'string' || url.trim() === '')
    throw new MlpError(
      'INVALID_ARGUMENT',
      'The blob store URL is empty; use a folder path, file:///path, s3://bucket/prefix or memory://.',
    );
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  const baseDir = context.baseDir ?? process.cwd();

  if (scheme === undefined) return createFsBlobStore({ root: path.resolve(baseDir, url) });
  if (scheme === 'memory') return createMemoryBlobStore();
  if (scheme === 'file') {
    let root: string;
    try {
      root = fileURLToPath(url);
    } catch (error) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `${JSON.stringify(url)} is not a usable file URL (${(error as Error).message}); write file:///absolute/path or a plain path.`,
        { cause: error },
      );
    }
    return createFsBlobStore({ root });
  }
  if (scheme === 's3') {
    const { bucket, prefix } = parseS3Url(url);
    const s3 = context.s3 ?? {};
    const credentials = s3Credentials(s3);
    const { createS3BlobStore } = await loadS3Driver();
    return createS3BlobStore({
      bucket,
      prefix,
      ...(s3.endpoint !== undefined ? { endpoint: s3.endpoint } : {}),
      ...(s3.region !== undefined ? { region: s3.region } : {}),
      ...(s3.forcePathStyle !== undefined ? { forcePathStyle: s3.forcePathStyle } : {}),
      ...(credentials ? { credentials } : {}),
    });
  }
  throw new MlpError(
    'INVALID_ARGUMENT',
    `No blob driver for ${scheme}:// URLs (${url}). Use a folder path, file:///path, s3://bucket/prefix or memory://, or register a blobDriver plugin for '${scheme}'.`,
  );
}
