import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a tree of files under `root`: `{ 'dir/a.csv': 'x' }`. For tests. */
export async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, ...name.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
