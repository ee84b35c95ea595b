// Jobs for the job queue's tests, imported by real `mlp worker` processes.
import { type JobContext, MlpError } from '@mlp/core';

export interface FixtureInput {
  /** Reports sent before anything else; the replies are returned. */
  reports: number;
  /** Throws an MlpError FAILED_PRECONDITION after the reports. */
  fail?: boolean;
  /** Waits until aborted (the test kills the worker or aborts the job). */
  hang?: boolean;
}

export async function fixtureJob(input: unknown, context: JobContext): Promise<unknown> {
  const { reports, fail, hang } = input as FixtureInput;
  const replies: unknown[] = [];
  for (let i = 0; i < reports; i++) replies.push(await context.report({ i, pid: process.pid, attempt: context.attempt }));
  if (fail) throw new MlpError('FAILED_PRECONDITION', 'the fixture job fails as asked');
  if (hang && context.attempt === 1)
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
  return { pid: process.pid, attempt: context.attempt, replies };
}

export const notAFunction = 42;
