import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CapturedRun } from './run-cli-captured.js';

/** The `mlp` command npm links (bin/mlp.js, which loads the build), found from this file in src/ or dist/ alike. */
export const mlpBin = fileURLToPath(new URL('../bin/mlp.js', import.meta.url));

export interface BuiltCliRunOptions {
  cwd: string;
  /** Its environment, in full: `process.env` is not merged in. */
  env: Record<string, string | undefined>;
}

/**
 * Runs the built `mlp` in a child process, as users run it (every installed package's commands),
 * capturing what it prints. A process killed by a signal exits 128 + the signal's number, as in a shell.
 */
export function runBuiltCli(args: readonly string[], options: BuiltCliRunOptions): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mlpBin, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr }));
  });
}
