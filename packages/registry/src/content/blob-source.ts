import path from 'node:path';
import { type BlobStore, MlpError, validateBlobKey } from '@mlp/core';
import type { ResolvedSource, SourceFile } from './version-source.js';

const scheme = 'mlflow-artifacts:';

/**
 * The blob key of an `mlflow-artifacts:` URI (`mlflow-artifacts:/1/abc/artifacts/model`, or with
 * the proxying server's `//host:port`): the server's own artifact store, as its proxy serves it.
 */
export function artifactUriKey(uri: string): string {
  let rest = uri.slice(scheme.length);
  if (rest.startsWith('//')) rest = rest.indexOf('/', 2) === -1 ? '' : rest.slice(rest.indexOf('/', 2));
  const relative = rest.replace(/^\/+|\/+$/g, '');
  const problem = relative === '' ? 'it names no artifact' : validateBlobKey(relative);
  if (problem) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid source ${JSON.stringify(uri)}: ${problem.replace(/^a key/, 'its path')}. Use mlflow-artifacts:/<path>, such as a run's artifact location.`,
    );
  }
  return `mlflow-artifacts/${relative}`;
}

/** Every blob under `key` as a folder, or the one blob at `key`; FAILED_PRECONDITION when there is none. */
export async function blobSource(blobs: BlobStore, key: string, source: string, runId: string | null): Promise<ResolvedSource> {
  const files: SourceFile[] = [];
  for await (const blob of blobs.list(`${key}/`)) {
    files.push({ path: blob.key.slice(key.length + 1), open: () => blobs.get(blob.key) });
  }
  if (files.length === 0 && (await blobs.head(key))) files.push({ path: path.posix.basename(key), open: () => blobs.get(key) });
  if (files.length === 0) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Nothing is stored at ${source}: upload the model's files there first, or register a run's model (runs:/<run id>/<path>).`,
    );
  }
  return { source, runId, files };
}
