import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, createHashingStream, MlpError } from '@mlp/core';
import type { ManifestEntry } from '../model.js';
import { manifestHash, sortManifest } from './manifest.js';
import type { SourceFile } from './version-source.js';

/**
 * Where a version's files live in the blob store: by model id, so a rename never moves bytes, and
 * under `mlflow-artifacts/` so `mlp server`'s artifact proxy serves them to MLflow clients at the
 * version's download URI (`versionArtifactUri`). Reads through the registry check every hash.
 */
export function versionPrefix(modelId: number, version: number): string {
  return `${modelPrefix(modelId)}versions/${version}/`;
}

/**
 * The artifact path (under `mlflow-artifacts:/`) the registry owns. Only the registry writes there:
 * `mlp server` serves it read-only, so a registered version's bytes never change.
 */
export const registryArtifactPath = 'mlp-registry';

/** Where all versions of a model live. */
export function modelPrefix(modelId: number): string {
  return `mlflow-artifacts/${registryArtifactPath}/models/${modelId}/`;
}

/** The `mlflow-artifacts:` URI of a version's files, as MLflow's get-download-uri returns it. */
export function versionArtifactUri(modelId: number, version: number): string {
  return `mlflow-artifacts:/${registryArtifactPath}/models/${modelId}/versions/${version}`;
}

/** Copies the files into the blob store under the version, hashing as they stream; returns the manifest and content hash. */
export async function copyVersionFiles(
  blobs: BlobStore,
  prefix: string,
  files: readonly SourceFile[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ manifest: ManifestEntry[]; contentHash: string }> {
  const entries: ManifestEntry[] = [];
  for (const file of files) {
    const hashing = createHashingStream('sha256');
    const source = await file.open();
    source.on('error', (error) => hashing.destroy(error));
    await blobs.put(`${prefix}${file.path}`, source.pipe(hashing));
    entries.push({ path: file.path, size: hashing.bytes, sha256: hashing.digest ?? '' });
    onProgress?.(entries.length, files.length);
  }
  const manifest = sortManifest(entries);
  return { manifest, contentHash: manifestHash(manifest) };
}

function corrupted(label: string, why: string): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    `${label} is corrupted: ${why}. Its stored bytes no longer match what was registered; register the model again as a new version.`,
    { details: { version: label } },
  );
}

/**
 * Downloads a version's files into `outDir` (created; must not exist or be empty), checking every
 * file's sha256 and the manifest's hash against what registration stored. Files land in a temp
 * folder beside `outDir` first, renamed into place only when all check out.
 */
export async function downloadVersionFiles(options: {
  blobs: BlobStore;
  prefix: string;
  manifest: readonly ManifestEntry[];
  contentHash: string;
  outDir: string;
  label: string;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ files: number; bytes: number }> {
  const { blobs, prefix, manifest, contentHash, label } = options;
  if (manifestHash(manifest) !== contentHash) throw corrupted(label, 'its manifest does not hash to the stored content hash');
  const outDir = path.resolve(options.outDir);
  const existing = await readdir(outDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && existing.length > 0) throw new MlpError('ALREADY_EXISTS', `${outDir} is not empty: download into a new or empty folder.`);
  const temp = `${outDir}.tmp-${randomBytes(4).toString('hex')}`;
  let bytes = 0;
  try {
    for (const [index, entry] of manifest.entries()) {
      const target = path.join(temp, ...entry.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      const hashing = createHashingStream('sha256');
      await pipeline(await blobs.get(`${prefix}${entry.path}`), hashing, createWriteStream(target));
      if (hashing.digest !== entry.sha256 || hashing.bytes !== entry.size) {
        throw corrupted(
          label,
          `${entry.path} has sha256 ${hashing.digest} (${hashing.bytes} bytes), registered as ${entry.sha256} (${entry.size} bytes)`,
        );
      }
      bytes += entry.size;
      options.onProgress?.(index + 1, manifest.length);
    }
    await mkdir(temp, { recursive: true });
    if (existing) await rmdir(outDir);
    await rename(temp, outDir);
    return { files: manifest.length, bytes };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') {
      throw corrupted(label, `a file is missing from the blob store (${error.message})`);
    }
    throw error;
  }
}
