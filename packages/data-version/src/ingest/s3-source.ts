import { MlpError } from '@mlp/core';
import { downloadToFile } from './download-to-file.js';
import type { FetchedSource } from './http-source.js';
import type { IngestOptions } from './ingest-options.js';
import { sourceFormat, stagedExtension } from './source-kind.js';
import type { Staging } from './staged-file.js';

/** `s3://bucket/some/key.csv` as bucket and key. */
export function parseS3Object(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(url);
  if (!match?.[1] || !match[2] || match[2].endsWith('/')) {
    throw new MlpError('INVALID_ARGUMENT', `${JSON.stringify(url)} does not name an S3 object; write s3://bucket/path/to/file.csv.`);
  }
  return { bucket: match[1], key: match[2] };
}

/** Downloads one S3 object into a staged file, through the core's S3 blob store (any S3-compatible endpoint). */
export async function fetchS3Source(options: IngestOptions, staging: Staging): Promise<FetchedSource> {
  const { bucket, key } = parseS3Object(options.source);
  const { createS3BlobStore } = await import('@mlp/core/s3').catch((error: unknown) => {
    throw new MlpError('FAILED_PRECONDITION', 'Ingesting from S3 needs @aws-sdk/client-s3 and @aws-sdk/lib-storage: npm install them.', {
      cause: error,
    });
  });
  const s3 = options.s3 ?? {};
  const store = createS3BlobStore({
    bucket,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.region ? { region: s3.region } : {}),
    ...(s3.forcePathStyle === undefined ? {} : { forcePathStyle: s3.forcePathStyle }),
    ...(s3.accessKeyId && s3.secretAccessKey ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
  });
  try {
    const info = await store.head(key);
    if (!info)
      throw new MlpError('NOT_FOUND', `${options.source} does not exist. Check the bucket and key.`, { details: { url: options.source } });
    const format = sourceFormat(key, info.contentType, options.sourceFormat);
    const file = staging.file('download', stagedExtension(key, format));
    const body = await store.get(key, options.signal ? { signal: options.signal } : {});
    const bytes = await downloadToFile(body, file, {
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (count) => options.onProgress?.({ phase: 'download', bytes: count, totalBytes: info.size }),
    });
    if (bytes !== info.size)
      throw new MlpError('UNAVAILABLE', `Download of ${options.source} ended after ${bytes} of ${info.size} bytes. Try again.`);
    return { file, format, bytes, record: { kind: 's3', uri: options.source, ...(info.etag ? { etag: info.etag } : {}) } };
  } finally {
    await store.close?.();
  }
}
