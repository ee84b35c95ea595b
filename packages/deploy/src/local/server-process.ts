import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MlpError } from '@mlp/core';

export interface ServerProcessOptions {
  /** The program and its arguments, e.g. `[node, mlp.js, '-C', dir, 'serve', 'models:/x/3', '--port', '0', '--json']`. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** How long the server may take to print its `{"url", "port"}` line (warm-up included). */
  readyTimeoutMs: number;
  /** How long a stopped server may take to drain before it is killed. */
  stopGraceMs?: number;
  /** A line of the server's stderr (for the controller's log). */
  onStderr?: (line: string) => void;
}

/** A running model server process that reported it is ready. */
export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code (null when killed by a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (the server drains, then exits); SIGKILL after the grace period. */
  stop(): Promise<void>;
}

const stderrTail = 20;

/**
 * Spawns a model server (`mlp serve ... --json`) and waits for the one JSON line `{"url", "port"}` it
 * prints on stdout when ready. A process that exits or stays silent past the timeout is an UNAVAILABLE
 * error carrying the end of its stderr, so the reason a revision did not start reaches the history.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const [program, ...args] = options.command;
  if (!program) throw new MlpError('INVALID_ARGUMENT', 'The model server command is empty: give the program to run.');
  // stdin is a pipe this process never writes: it closes when this process ends, however it ends, and
  // `mlp serve --exit-with-parent` drains and exits then, so no server outlives its supervisor.
  const child = spawn(program, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => {}); // the server closing its end first is no error here
  const tail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    if (tail.length > stderrTail) tail.shift();
    options.onStderr?.(line);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  const grace = options.stopGraceMs ?? 30_000;
  const stop = () => stopProcess(child, exited, grace);

  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const url = readyUrl(line);
        if (url) resolve(url);
      });
      child.once('error', (error) =>
        reject(new MlpError('UNAVAILABLE', `The model server could not be started (${error.message}): check the serve command.`)),
      );
      void exited.then((code) =>
        reject(
          new MlpError(
            'UNAVAILABLE',
            `The model server exited (code ${code}) before it was ready${tail.length > 0 ? `: ${tail.slice(-5).join(' | ')}` : ''}`,
          ),
        ),
      );
      timer = setTimeout(
        () =>
          reject(
            new MlpError(
              'UNAVAILABLE',
              `The model server was not ready within ${options.readyTimeoutMs} ms${tail.length > 0 ? `: ${tail.slice(-5).join(' | ')}` : ''}; raise readyTimeoutMs for a slow model.`,
            ),
          ),
        options.readyTimeoutMs,
      );
    });
    // Keep reading stdout so a chatty server never blocks on a full pipe.
    child.stdout.resume();
    return { url, pid: child.pid ?? -1, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function readyUrl(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : undefined;
  } catch {
    return undefined;
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
