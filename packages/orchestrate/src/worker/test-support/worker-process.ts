// A queue worker in a process of its own, for the kill tests: node --conditions=@mlp/source --import tsx worker-process.ts DIR DB_URL LEASE_MS
// Prints one JSON line per attempt that starts or ends here.
import { openWorkspace } from '@mlp/core';
import { startWorker } from '../start-worker.js';

const [dir, url, leaseMs] = process.argv.slice(2) as [string, string, string];
const workspace = await openWorkspace({ dir, database: { url }, logLevel: 'warn' });
const worker = await startWorker(workspace, {
  concurrency: 2,
  leaseMs: Number(leaseMs),
  onAttempt: (event) => process.stdout.write(`${JSON.stringify({ ...event, pid: process.pid })}\n`),
});
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
process.on('SIGTERM', async () => {
  await worker.close();
  await workspace.close();
  process.exit(0);
});
