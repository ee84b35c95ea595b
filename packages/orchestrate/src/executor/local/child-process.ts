import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MlpError, type Workspace } from '@mlp/core';
import type { TaskAssignment, TaskOutcome } from '../executor.js';

/** What the parent sends the child: where the workspace is and which attempt to run. */
export interface ChildRequest {
  workspace: { dir: string; database: { url: string }; blobs: { url: string; s3: Record<string, unknown> }; logLevel: string };
  assignment: TaskAssignment;
}

/**
 * Runs one attempt in a child process (`process: 'child'` steps): the child opens the same workspace
 * and calls executeTaskAttempt. On abort (cancel, timeout) the child is asked to stop, then SIGKILLed
 * after `killGraceMs`; a child that dies without answering fails the attempt.
 */
export function runInChildProcess(
  workspace: Workspace,
  assignment: TaskAssignment,
  signal: AbortSignal,
  killGraceMs: number,
): Promise<TaskOutcome> {
  const entry = entryFile();
  const fromSources = entry.endsWith('.ts');
  const execArgv = fromSources ? ['--conditions=@mlp/source', '--import', import.meta.resolve('tsx')] : [];
  const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { config } = workspace;
  const request: ChildRequest = {
    workspace: { dir: config.dir, database: config.database, blobs: config.blobs, logLevel: config.logLevel },
    assignment,
  };
  return new Promise<TaskOutcome>((resolve) => {
    let outcome: TaskOutcome | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (child.connected) child.send({ type: 'abort' });
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message) => {
      outcome = (message as { outcome: TaskOutcome }).outcome;
    });
    child.on('error', (error) => {
      outcome ??= { status: 'failed', error: { message: `could not start the task's child process: ${error.message}` } };
    });
    child.on('exit', (code, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      if (signal.aborted) resolve({ status: 'cancelled' });
      else
        resolve(
          outcome ?? {
            status: 'failed',
            error: {
              message: `the task's child process exited (${exitSignal ?? `code ${code}`}) before reporting a result`,
              code: 'UNAVAILABLE',
            },
          },
        );
    });
    child.send(request);
  });
}

function entryFile(): string {
  const fromSources = import.meta.url.endsWith('.ts');
  const candidates = fromSources ? ['./child-entry.ts'] : ['./child-entry.js', './executor/local/child-entry.js'];
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new MlpError(
    'INTERNAL',
    'the child-process entry of @mlp/orchestrate is missing beside its code; the package build must emit child-entry.js.',
  );
}
