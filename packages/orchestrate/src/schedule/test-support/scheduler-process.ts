// A scheduler in a process of its own, for the exactly-once test: node --conditions=@mlp/source --import tsx scheduler-process.ts DIR DB_URL
import { openWorkspace } from '@mlp/core';
import { startScheduler } from '../scheduler.js';

const [dir, url] = process.argv.slice(2) as [string, string];
const workspace = await openWorkspace({ dir, database: { url }, logLevel: 'warn' });
let created = 0;
const scheduler = startScheduler(workspace, { refreshMs: 500, onTick: (tick) => void (tick.created && created++) });
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
process.on('SIGTERM', async () => {
  await scheduler.close();
  await workspace.close();
  process.stdout.write(`${JSON.stringify({ created, pid: process.pid })}\n`);
  process.exit(0);
});
