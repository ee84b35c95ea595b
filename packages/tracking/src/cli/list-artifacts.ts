import type { BlobStore } from '@mlp/core';
import { joinArtifactPath } from './artifact-location.js';

/** One entry of a listing, as MLflow's FileInfo: the path is relative to the run's artifact root. */
export interface ArtifactEntry {
  path: string;
  isDir: boolean;
  /** Bytes; absent for folders. */
  fileSize?: number;
}

/**
 * The files and folders directly under `dir` (one level, as MLflow's list-artifacts), in key
 * order. When `dir` is itself a file, that file alone. Undefined when nothing is there,
 * except at the root, which is simply empty for a run without artifacts.
 */
export async function listArtifacts(blobs: BlobStore, rootPrefix: string, dir: string): Promise<ArtifactEntry[] | undefined> {
  const prefix = dir === '' ? rootPrefix : `${rootPrefix}${dir}/`;
  const entries: ArtifactEntry[] = [];
  const folders = new Set<string>();
  for await (const info of blobs.list(prefix)) {
    const rest = info.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) {
      entries.push({ path: joinArtifactPath(dir, rest), isDir: false, fileSize: info.size });
    } else {
      const folder = rest.slice(0, slash);
      if (folders.has(folder)) continue;
      folders.add(folder);
      entries.push({ path: joinArtifactPath(dir, folder), isDir: true });
    }
  }
  if (entries.length > 0 || dir === '') return entries;
  const file = await blobs.head(`${rootPrefix}${dir}`);
  return file ? [{ path: dir, isDir: false, fileSize: file.size }] : undefined;
}
