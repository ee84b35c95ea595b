import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built `mlp` binary, which loads this package's built `./cli` export as users get it. */
export const mlpBin = path.resolve(packageDir, '..', 'cli', 'dist', 'bin.js');

/** Fails when the builds the binary needs are missing (build first: npm run build). */
export function assertBuilt(): void {
  for (const file of [mlpBin, path.join(packageDir, 'dist', 'cli.js'), path.join(packageDir, 'dist', 'index.js')])
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build -w @mlp/cli -w @mlp/data-version).`);
}

export interface MlpResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node mlp ...args` with no MLP_* variables but those given. */
export function startMlp(args: string[], options: { cwd: string; env?: Record<string, string> }): ChildProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  return spawn(process.execPath, [mlpBin, ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runMlp(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<MlpResult> {
  return new Promise((resolve, reject) => {
    const child = startMlp(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function parseJson<T>(result: MlpResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
