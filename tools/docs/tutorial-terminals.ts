// The reader's terminals, for tools/docs/tutorial.int.test.ts: bash scripts that share the reader's
// exported variables (saved after each block of the first terminal, read by the next), run from the
// clone's root, each in a process group of its own so that stopping one stops everything it started,
// as Ctrl-C does.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  stdout: string;
  /** Stdout and stderr in the order they came. */
  output: string;
}

export interface BackgroundTerminal {
  output(): string;
  /** Undefined while it runs. */
  exitCode(): number | null | undefined;
  /** Ctrl-C (SIGINT to its process group), then SIGKILL for what still runs a minute later. */
  stop(): Promise<void>;
}

export interface Terminals {
  /** A block in the first terminal: its exports are kept for the next block. */
  run(code: string, options?: { timeoutMs?: number; keepExports?: boolean }): Promise<ShellResult>;
  /** A block in a terminal of its own, left running. */
  start(code: string): BackgroundTerminal;
}

export function openTerminals(options: { cwd: string; home: string; stateFile: string }): Terminals {
  // The reader's environment: none of the test runner's MLP_* settings, a home of its own.
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_'))),
    HOME: options.home,
  };
  const script = (code: string, keepExports: boolean) =>
    [
      'set -e -o pipefail',
      `[ -f '${options.stateFile}' ] && source '${options.stateFile}'`,
      ...(keepExports ? [`trap "export -p > '${options.stateFile}'" EXIT`] : []),
      `cd '${options.cwd}'`,
      code,
    ].join('\n');
  const spawnShell = (code: string) => {
    const child = spawn('bash', ['-c', code], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const streams = { stdout: '', output: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      streams.stdout += chunk.toString();
      streams.output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      streams.output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { child, streams, exited };
  };
  return {
    async run(code, { timeoutMs = 15 * 60_000, keepExports = true } = {}) {
      const shell = spawnShell(script(code, keepExports));
      const timer = setTimeout(() => signalGroup(shell.child, 'SIGKILL'), timeoutMs);
      const exitCode = await shell.exited;
      clearTimeout(timer);
      return { code: exitCode, ...shell.streams };
    },
    start(code) {
      const shell = spawnShell(script(code, false));
      let exitCode: number | null | undefined;
      void shell.exited.then((code) => {
        exitCode = code;
      });
      return {
        output: () => shell.streams.output,
        exitCode: () => exitCode,
        async stop() {
          signalGroup(shell.child, 'SIGINT');
          const killed = setTimeout(() => signalGroup(shell.child, 'SIGKILL'), 60_000);
          await shell.exited;
          clearTimeout(killed);
        },
      };
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Calls `attempt` every 2 s until it returns a value (a condition, not a fixed sleep). */
export async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
