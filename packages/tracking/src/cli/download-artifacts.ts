import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, MlpError } from '@mlp/core';

export interface DownloadedFile {
  /** The artifact path, relative to the run's artifact root. */
  path: string;
  /** The absolute file written. */
  destination: string;
  size: number;
}

export interface DownloadProgress {
  path: string;
  bytes: number;
  /** The file's size as listed. */
  total: number;
  /** 1-based position of the file among `fileCount`. */
  fileIndex: number;
  fileCount: number;
}

export interface DownloadArtifactsOptions {
  blobs: BlobStore;
  /** The run's artifact root as a blob key prefix ending in `/`. */
  rootPrefix: string;
  /** A normalised artifact path; `` is the whole root. */
  artifactPath: string;
  /** `--out`, absolute; undefined downloads into `cwd`. */
  out: string | undefined;
  cwd: string;
  /** The local name of the whole root when it is downloaded (there is no base name to use). */
  rootName: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Downloads a file or a folder of a run's artifacts, as `cp -r` would copy it: into `out` when `out`
 * is an existing folder (or ends with `/`), else to `out` itself; into the current folder without
 * `out`. Every file streams to a temporary sibling and is renamed into place, so an interrupted
 * download never leaves a partial file under the final name. Undefined when nothing is at the path.
 */
export async function downloadArtifacts(options: DownloadArtifactsOptions): Promise<DownloadedFile[] | undefined> {
  const { blobs, rootPrefix, artifactPath } = options;
  const name = artifactPath === '' ? options.rootName : path.posix.basename(artifactPath);
  const destination = await destinationFor(options.out, options.cwd, name);

  const file = artifactPath === '' ? undefined : await blobs.head(`${rootPrefix}${artifactPath}`);
  const sources = file
    ? [{ key: file.key, path: artifactPath, size: file.size, destination }]
    : await listTree(blobs, artifactPath === '' ? rootPrefix : `${rootPrefix}${artifactPath}/`, rootPrefix, destination);
  if (sources.length === 0) return undefined;

  const downloaded: DownloadedFile[] = [];
  for (const [index, source] of sources.entries()) {
    const report = (bytes: number) =>
      options.onProgress?.({ path: source.path, bytes, total: source.size, fileIndex: index + 1, fileCount: sources.length });
    const size = await downloadFile(blobs, source.key, source.destination, report, options.signal);
    downloaded.push({ path: source.path, destination: source.destination, size });
  }
  return downloaded;
}

async function destinationFor(out: string | undefined, cwd: string, name: string): Promise<string> {
  if (out === undefined) return path.join(cwd, name);
  if (out.endsWith('/') || out.endsWith(path.sep)) return path.join(out, name);
  const existing = await stat(out).catch(() => undefined);
  return existing?.isDirectory() ? path.join(out, name) : out;
}

async function listTree(blobs: BlobStore, prefix: string, rootPrefix: string, destination: string) {
  const sources: { key: string; path: string; size: number; destination: string }[] = [];
  for await (const info of blobs.list(prefix)) {
    const target = path.resolve(destination, ...info.key.slice(prefix.length).split('/'));
    const relative = path.relative(destination, target);
    // Keys are validated by the blob store; this guards against a foreign bucket holding `..` keys.
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Artifact key ${JSON.stringify(info.key)} would be written outside ${destination}; not downloading it.`,
      );
    }
    sources.push({ key: info.key, path: info.key.slice(rootPrefix.length), size: info.size, destination: target });
  }
  return sources;
}

/** Streams one blob to `destination` through a temporary sibling; returns the bytes written. */
async function downloadFile(
  blobs: BlobStore,
  key: string,
  destination: string,
  onBytes: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const dir = path.dirname(destination);
  const temp = path.join(dir, `.${path.basename(destination)}.${randomBytes(4).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    await mkdir(dir, { recursive: true });
    const source = await blobs.get(key, signal ? { signal } : {});
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        onBytes(bytes);
        callback(null, chunk);
      },
    });
    await pipeline(source, counter, createWriteStream(temp, { flags: 'wx' }), signal ? { signal } : {});
    // fsync before the rename, so after a crash the final name holds the whole file or nothing.
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, destination);
  } catch (error) {
    // Best effort: when the folder could not be made there is no temporary file, and the cause matters more.
    await rm(temp, { force: true }).catch(() => {});
    throw MlpError.isInstance(error) ? error : fsError(error, destination);
  }
  return bytes;
}

function fsError(error: unknown, destination: string): MlpError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new MlpError('PERMISSION_DENIED', `Cannot write ${destination} (${code}): choose another place with --out.`, { cause: error });
  }
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new MlpError(
      'INVALID_ARGUMENT',
      `Cannot write ${destination}: a file or folder is in the way (${code}). Choose another place with --out.`,
      {
        cause: error,
      },
    );
  }
  if (code === 'ABORT_ERR') return new MlpError('UNAVAILABLE', `The download to ${destination} was cancelled.`, { cause: error });
  return new MlpError('INTERNAL', `Cannot write ${destination}: ${(error as Error).message}`, { cause: error });
}
