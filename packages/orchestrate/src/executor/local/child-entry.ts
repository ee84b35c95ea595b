import { openWorkspace, type WorkspaceOptions } from '@mlp/core';
import { executeTaskAttempt } from '../../run/execute-task-attempt.js';
import type { ChildRequest } from './child-process.js';

// The entry of a child process running one task attempt for the local executor (started with fork).
const send = process.send?.bind(process);
if (!send) throw new Error('child-entry runs as a forked child of the local executor, not on its own.');
const controller = new AbortController();
// The parent is gone: nobody will read the result, and its engine will fail the attempt by lease.
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', () => controller.abort());

process.once('message', async (message) => {
  const request = message as ChildRequest;
  process.on('message', (next) => {
    if ((next as { type?: string }).type === 'abort') controller.abort();
  });
  const workspace = await openWorkspace(request.workspace as WorkspaceOptions);
  let outcome: unknown;
  try {
    outcome = await executeTaskAttempt(workspace, request.assignment, controller.signal);
  } finally {
    await workspace.close();
  }
  send({ outcome }, () => process.exit(0));
});
