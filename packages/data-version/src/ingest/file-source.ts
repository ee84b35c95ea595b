import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpError } from '@mlp/core';
import type { FetchedSource } from './http-source.js';
import type { IngestOptions } from './ingest-options.js';
import { sourceFormat, stagedExtension } from './source-kind.js';
import type { Staging } from './staged-file.js';

/** Copies a local file into a staged file (the original is never touched). */
export async function fetchFileSource(options: IngestOptions, staging: Staging): Promise<FetchedSource> {
  const absolute = path.resolve(options.source.startsWith('file://') ? fileURLToPath(options.source) : options.source);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `Cannot ingest ${absolute}: it does not exist. Check the path.`);
    throw new MlpError('PERMISSION_DENIED', `Cannot ingest ${absolute}: ${error.message}.`, { cause: error });
  });
  if (!info.isFile()) throw new MlpError('INVALID_ARGUMENT', `Cannot ingest ${absolute}: it is not a file.`);
  const format = sourceFormat(absolute, undefined, options.sourceFormat);
  const file = staging.file('copy', stagedExtension(absolute, format));
  await copyFile(absolute, file);
  options.onProgress?.({ phase: 'download', bytes: info.size, totalBytes: info.size });
  return { file, format, bytes: info.size, record: { kind: 'file', uri: absolute } };
}
