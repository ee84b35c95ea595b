import { existsSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME, STATE_DIR_NAME } from '../config/resolve-config.js';

/**
 * The workspace `start` is in, found as git finds a repository: the nearest folder, `start` or above,
 * holding `mlp.config.json` or `.mlp/`. Undefined when there is none up to the root.
 */
export function findWorkspaceDir(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, CONFIG_FILE_NAME)) || existsSync(path.join(dir, STATE_DIR_NAME))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
