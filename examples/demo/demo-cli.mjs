// How the demo talks to `mlp`: the built CLI on the demo workspace, as a user would run it.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
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
  /** `mlp(...args)` without blocking the event loop (traffic the demo sends keeps flowing): resolves to stdout. */
  const mlpAsync = (...args) =>
    new Promise((resolve, reject) =>
      execFile(process.execPath, [cli, '-C', dir, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
        error ? reject(new Error(`mlp ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout),
      ),
    );
  return { mlp, mlpAsync, live, allowingFailure, bin: cli };
}
