// A separate process for the concurrency test: opens the workspace, prints `ready`, waits for `go`
// on stdin, then fires its promotions at once and prints one JSON line per outcome.
// Usage: promote-worker.ts <workspace dir> <database url or -> <model> <alias> <version,...>
import { createInterface } from 'node:readline';
import { MlpError, openWorkspace } from '@mlp/core';
import { openRegistry } from '../open-registry.js';

const [dir, databaseUrl, model, alias, versionList] = process.argv.slice(2);
if (!dir || !databaseUrl || !model || !alias || !versionList)
  throw new Error('usage: promote-worker <dir> <db url|-> <model> <alias> <versions>');

const workspace = await openWorkspace({ dir, logLevel: 'error', ...(databaseUrl === '-' ? {} : { database: { url: databaseUrl } }) });
const registry = await openRegistry(workspace, { actor: `worker-${process.pid}` });
const versions = versionList.split(',').map(Number);

process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

await Promise.all(
  versions.map(async (version) => {
    try {
      const decision = await registry.promote(model, version, { alias, reason: `race of ${version}` });
      process.stdout.write(`${JSON.stringify({ version, outcome: decision.outcome })}\n`);
    } catch (error) {
      const code = MlpError.isInstance(error) ? error.code : 'UNEXPECTED';
      process.stdout.write(`${JSON.stringify({ version, outcome: 'error', code, message: (error as Error).message })}\n`);
    }
  }),
);
await registry.close();
await workspace.close();
