// The child processes the demo's UI test runs (the demo, `mlp ui`, `mlp deploy agent`): their output
// kept for failure messages, a line waited for, and a stop that waits for the exit.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');
/** The built CLI, as installed: what `npx mlp` runs. */
export const cliBin = path.join(root, 'packages', 'cli', 'dist', 'bin.js');

/** The environment without the caller's `MLP_*` settings, so only what the test sets applies. */
export function withoutMlpVariables(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
}

export interface Child {
  process: ChildProcess;
  /** Resolves when the process has exited, with its code (null when a signal ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Its stdout and stderr so far, interleaved. */
  output(): string;
  /** The first capture group of the first output line `pattern` matches; rejects if the process exits first. */
  line(pattern: RegExp): Promise<string>;
  /** SIGTERM, then waits for the exit (SIGKILL if it has not gone after 30 s). */
  stop(): Promise<void>;
}

export function startChild(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Child {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiting: Array<() => void> = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiting.slice()) check();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const tail = () => output.slice(-3000);
  return {
    process: child,
    exited,
    output: () => output,
    line(pattern) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          for (const text of output.split('\n')) {
            const found = pattern.exec(text);
            if (found) {
              waiting.splice(waiting.indexOf(check), 1);
              resolve(found[1] ?? found[0]);
              return;
            }
          }
        };
        waiting.push(check);
        check();
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `${path.basename(args[0] ?? command)} ${args.slice(1).join(' ')} exited (${signal ?? code}) before printing ${pattern}:\n${tail()}`,
            ),
          ),
        );
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
