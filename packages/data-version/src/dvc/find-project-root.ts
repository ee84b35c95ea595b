import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILE_NAME, STATE_DIR_NAME } from '@mlp/core';
import { DVC_DIR } from './data-layout.js';

const markers = [DVC_DIR, CONFIG_FILE_NAME, STATE_DIR_NAME];

/**
 * The nearest folder at or above `start` holding `.dvc/`, `mlp.config.json` or `.mlp/`, as DVC and
 * git find their root; `start` itself when there is none.
 */
export async function findProjectRoot(start: string): Promise<string> {
  const first = path.resolve(start);
  for (let folder = first; ; folder = path.dirname(folder)) {
    for (const marker of markers)
      if (
        await stat(path.join(folder, marker)).then(
          () => true,
          () => false,
        )
      )
        return folder;
    if (path.dirname(folder) === folder) return first;
  }
}
