// How the demo talks to `mlp`: the built CLI on the demo workspace, as a user would run it.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'packages', 'cli', 'dist', 'bin.js');

export const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

/** `mlp(...args)` returns stdout (throws on a non-zero exit); `live` shows the output as it comes and returns the exit code. */
export function demoCli(dir) {
  const mlp = (...args) => execFileSync(process.execPath, [cli, '-C', dir, ...args], { encoding: 'utf8' });
  const live = (...args) => spawnSync(process.execPath, [cli, '-C', dir, ...args], { stdio: 'inherit' }).status;
  /** Stdout and exit code, also when the command exits non-zero (a blocked promotion, a failed run, is an answer). */
  const allowingFailure = (...args) => {
    try {
      return { code: 0, stdout: mlp(...args) };
    } catch (error) {
      if (typeof error.status === 'number' && typeof error.stdout === 'string')
        return { code: error.status, stdout: error.stdout, stderr: String(error.stderr ?? '') };
      throw error;
    }
  };
  return { mlp, live, allowingFailure };
}
