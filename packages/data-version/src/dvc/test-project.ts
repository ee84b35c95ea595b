import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';

/** Writes a tree of files under `root`: `{ 'dir/a.csv': 'x' }`. For tests. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** The MlpError `promise` rejects with; fails when it resolves or rejects with anything else. For tests. */
export async function errorOf(promise: Promise<unknown>): Promise<MlpError> {
  try {
    await promise;
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}
