import type { BlobStore } from '@mlp/core';

export interface FileInfoJson {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/**
 * The files and folders directly under `prefixKey` (a folder's blob key, without a trailing '/'), as
 * MLflow's FileInfo, each path being `pathPrefix` + its name. Blob stores are flat: a folder is the
 * first segment shared by deeper keys, reported once since keys come sorted.
 */
export async function listFolder(blobs: BlobStore, prefixKey: string, pathPrefix: string): Promise<FileInfoJson[]> {
  const under = `${prefixKey}/`;
  const files: FileInfoJson[] = [];
  let lastDir: string | undefined;
  for await (const blob of blobs.list(under)) {
    const rest = blob.key.slice(under.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (slash === -1) files.push({ path: pathPrefix + name, is_dir: false, file_size: blob.size });
    else if (name !== lastDir) {
      lastDir = name;
      files.push({ path: pathPrefix + name, is_dir: true });
    }
  }
  return files;
}
