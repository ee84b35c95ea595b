import { Readable } from 'node:stream';
import { type ErrorCode, MlpError } from '@mlp/core';
import type { DatasetSource, TabularFormat } from '../catalog/catalog-model.js';
import { downloadToFile } from './download-to-file.js';
import type { IngestOptions } from './ingest-options.js';
import { sourceFormat, stagedExtension, withoutCredentials } from './source-kind.js';
import type { Staging } from './staged-file.js';

export interface FetchedSource {
  file: string;
  format: TabularFormat;
  bytes: number;
  record: DatasetSource;
}

function statusCode(status: number): ErrorCode {
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status >= 500 || status === 429) return 'UNAVAILABLE';
  return 'INVALID_ARGUMENT';
}

/** Downloads an http(s) URL into a staged file, streamed (never held in memory). */
export async function fetchHttpSource(options: IngestOptions, staging: Staging): Promise<FetchedSource> {
  const shown = withoutCredentials(options.source);
  let response: Response;
  try {
    response = await fetch(options.source, {
      redirect: 'follow',
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new MlpError('UNAVAILABLE', `Download of ${shown} was cancelled.`, { cause: error });
    const reason = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (error as Error).message;
    throw new MlpError('UNAVAILABLE', `Cannot reach ${shown} (${reason}). Check the URL and your network.`, { cause: error });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new MlpError(statusCode(response.status), `Downloading ${shown} failed: HTTP ${response.status} ${response.statusText}.`, {
      details: { url: shown, status: response.status },
    });
  }
  const pathname = new URL(response.url || options.source).pathname;
  const contentType = response.headers.get('content-type') ?? undefined;
  const format = sourceFormat(pathname, contentType, options.sourceFormat);
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  const totalBytes = Number.isFinite(length) ? length : undefined;
  const file = staging.file('download', stagedExtension(pathname, format));
  let bytes: number;
  try {
    bytes = await downloadToFile(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), file, {
      ...(options.signal ? { signal: options.signal } : {}),
      onBytes: (count) => options.onProgress?.({ phase: 'download', bytes: count, ...(totalBytes === undefined ? {} : { totalBytes }) }),
    });
  } catch (error) {
    throw new MlpError('UNAVAILABLE', `Download of ${shown} broke off: ${(error as Error).message}. Try again.`, { cause: error });
  }
  // Content-Length is of the encoded body; only compare when the body was not compressed in transit.
  if (totalBytes !== undefined && !response.headers.get('content-encoding') && bytes !== totalBytes) {
    throw new MlpError('UNAVAILABLE', `Download of ${shown} ended after ${bytes} of ${totalBytes} bytes. Try again.`);
  }
  const etag = response.headers.get('etag') ?? undefined;
  return { file, format, bytes, record: { kind: 'http', uri: shown, ...(etag ? { etag } : {}) } };
}
