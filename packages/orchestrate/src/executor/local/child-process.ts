import { fork } from 'node:child_process';
import type { Workspace } from '@mlp/core';
import { entryFile } from '../../load/entry-file.js';
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
  const { file, execArgv } = entryFile('child-entry', 'executor/local');
  const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
