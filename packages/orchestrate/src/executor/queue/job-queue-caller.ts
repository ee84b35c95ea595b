// A process that queues a hanging job and waits, for the test that SIGKILLs the queuer:
// node --conditions=@mlp/source --import tsx job-queue-caller.ts DIR DB_URL MODULE
// Prints one JSON line when the job has reported (with the worker's pid).
import { openWorkspace } from '@mlp/core';
import { openJobQueue } from './job-queue.js';

const [dir, url, module] = process.argv.slice(2) as [string, string, string];
const workspace = await openWorkspace({ dir, database: { url }, logLevel: 'error' });
const queue = await openJobQueue(workspace, { pollMs: 200, callerLeaseMs: 1_000 });
await queue.runJob(
  { module, export: 'fixtureJob', input: { reports: 1, hang: true }, label: 'caller-gone' },
  {
    onReport: (message) => {
      process.stdout.write(`${JSON.stringify({ reported: message })}\n`);
      return 'go on';
    },
  },
);
