import { openWorkspace } from '@mlp/core';
import { startRun } from '../run/start-run.js';

// A process that starts a run of a pipeline module and drives it (the kill test SIGKILLs it mid-task).
// argv: JSON { dir, databaseUrl, modulePath, name, leaseMs }; prints the run id on stdout.
const args = JSON.parse(process.argv[2] ?? '{}') as { dir: string; databaseUrl: string; modulePath: string; name: string; leaseMs: number };
const workspace = await openWorkspace({ dir: args.dir, database: { url: args.databaseUrl }, logLevel: 'warn' });
const handle = await startRun(workspace, { name: args.name, modulePath: args.modulePath, sourceHash: '' }, { leaseMs: args.leaseMs });
process.stdout.write(`${handle.runId}\n`);
await handle.done;
await workspace.close();
// A step that ignores its abort signal keeps this process alive: say when the workspace is closed, so a
// test kills it only once it holds no database lock.
process.stdout.write('closed\n');
