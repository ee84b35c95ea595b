import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { type BlobStore, MlpError } from '@mlp/core';

/** One entry of an artifact listing, as MLflow's FileInfo: a path relative to the run's artifact root. */
export interface ArtifactInfo {
  path: string;
  isDir: boolean;
  /** Bytes; absent for folders. */
  fileSize?: number;
}

const scheme = 'mlflow-artifacts:';

/**
 * The blob key prefix of a run's artifacts: `mlflow-artifacts:/1/abc/artifacts` (or MLflow's
 * `mlflow-artifacts://host/1/abc/artifacts`) is stored under `mlflow-artifacts/1/abc/artifacts/`.
 */
export function artifactKeyPrefix(runId: string, artifactUri: string): string {
  if (!artifactUri.startsWith(scheme)) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Run ${runId} keeps its artifacts at ${artifactUri}, outside the workspace blob store; mlp reads and writes only mlflow-artifacts:/ locations. ` +
        'Create the experiment without an artifact location to use the workspace blob store.',
      { details: { runId, artifactUri } },
    );
  }
  let rest = artifactUri.slice(scheme.length);
  // `//host:port/...` names the server that proxies the artifacts; the path after it is the location.
  if (rest.startsWith('//')) rest = rest.slice(rest.indexOf('/', 2) === -1 ? rest.length : rest.indexOf('/', 2));
  const trimmed = rest.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? 'mlflow-artifacts/' : `mlflow-artifacts/${trimmed}/`;
}

/**
 * An artifact path as given by a caller, normalised (`./a/b/` → `a/b`), or INVALID_ARGUMENT when it
 * could escape the run's root: absolute, with `..`, a backslash or NUL. '' is the root.
 */
export function normaliseArtifactPath(value: unknown, what = 'artifact path'): string {
  const fail = (why: string) =>
    new MlpError('INVALID_ARGUMENT', `Invalid ${what} ${JSON.stringify(value)}: ${why}. Use a relative path such as 'plots/loss.png'.`, {
      details: { path: value },
    });
  if (typeof value !== 'string') throw fail('it must be a string');
  if (value.includes('\0')) throw fail('it must not contain NUL');
  if (value.includes('\\')) throw fail("it must use '/' as the separator");
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value)) throw fail('it must be relative');
  // `./a//b/` means `a/b`: empty and `.` segments cannot leave the root, so they are dropped.
  const segments = value.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw fail("it must not contain '..'");
  return segments.join('/');
}

function join(prefix: string, artifactPath: string): string {
  return artifactPath === '' ? prefix : `${prefix}${artifactPath}`;
}

/** Uploads one local file to `<dir>/<its base name>` under the root; returns its artifact path. */
export async function uploadFile(blobs: BlobStore, prefix: string, file: string, dir: string): Promise<ArtifactInfo> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new MlpError('NOT_FOUND', `No file at ${file} to log as an artifact.`, { cause: error });
    throw error;
  }
  if (info.isDirectory()) throw new MlpError('INVALID_ARGUMENT', `${file} is a folder: log folders with logArtifacts(dir).`);
  const artifactPath = dir === '' ? path.basename(file) : `${dir}/${path.basename(file)}`;
  const stored = await blobs.put(join(prefix, artifactPath), createReadStream(file));
  return { path: artifactPath, isDir: false, fileSize: stored.size };
}

/** Uploads bytes to `artifactPath` under the root. */
export async function uploadBytes(blobs: BlobStore, prefix: string, bytes: Uint8Array, artifactPath: string): Promise<ArtifactInfo> {
  if (artifactPath === '')
    throw new MlpError('INVALID_ARGUMENT', 'Logging bytes as an artifact needs { path }, the file name to store them under.');
  const stored = await blobs.put(join(prefix, artifactPath), bytes);
  return { path: artifactPath, isDir: false, fileSize: stored.size };
}

/** Uploads every file under `localDir`, keeping its layout below `dir`; one at a time to bound open files. */
export async function uploadDir(blobs: BlobStore, prefix: string, localDir: string, dir: string): Promise<ArtifactInfo[]> {
  const info = await stat(localDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `No folder at ${localDir} to log as artifacts.`, { cause: error });
    throw error;
  });
  if (!info.isDirectory()) throw new MlpError('INVALID_ARGUMENT', `${localDir} is not a folder: log single files with logArtifact(file).`);
  const uploaded: ArtifactInfo[] = [];
  async function walk(current: string, target: string): Promise<void> {
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = path.join(current, entry.name);
      const childTarget = target === '' ? entry.name : `${target}/${entry.name}`;
      if (entry.isDirectory()) await walk(child, childTarget);
      else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(child)).isFile())) {
        uploaded.push(await uploadFile(blobs, prefix, child, target));
      }
    }
  }
  await walk(localDir, dir);
  return uploaded;
}

/** The files and folders directly under `artifactPath`, in key order. */
export async function listArtifactsAt(blobs: BlobStore, prefix: string, artifactPath: string): Promise<ArtifactInfo[]> {
  const under = artifactPath === '' ? prefix : `${prefix}${artifactPath}/`;
  const entries: ArtifactInfo[] = [];
  let lastDir: string | undefined;
  for await (const blob of blobs.list(under)) {
    const rest = blob.key.slice(under.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    const entryPath = artifactPath === '' ? name : `${artifactPath}/${name}`;
    if (slash === -1) entries.push({ path: entryPath, isDir: false, fileSize: blob.size });
    else if (name !== lastDir) {
      lastDir = name;
      entries.push({ path: entryPath, isDir: true });
    }
  }
  return entries;
}

/** A stream of one artifact's bytes; NOT_FOUND names the run and path. */
export async function openArtifact(blobs: BlobStore, prefix: string, runId: string, artifactPath: string): Promise<Readable> {
  if (artifactPath === '') throw new MlpError('INVALID_ARGUMENT', 'Name the artifact to download, such as model/model.onnx.');
  try {
    return await blobs.get(join(prefix, artifactPath));
  } catch (error) {
    if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') {
      throw new MlpError('NOT_FOUND', `Run ${runId} has no artifact ${artifactPath}. List them with listArtifacts(runId).`, {
        cause: error,
      });
    }
    throw error;
  }
}
