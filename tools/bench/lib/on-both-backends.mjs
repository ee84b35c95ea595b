// Runs one measurement on both SQL backends in turn, each in a fresh folder: the embedded
// database, then a fresh database on the PostgreSQL server (MLP_TEST_POSTGRES_URL).
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';

/** Calls `measure(label, workspace, dir)` for 'embedded' then 'postgres'; returns their results in that order. */
export async function onBothBackends(name, measure) {
  const root = mkdtempSync(path.join(tmpdir(), `mlp-bench-${name}-`));
  chmodSync(root, 0o755); // under root the embedded server runs as `postgres` and must reach it
  const results = [];
  try {
    const embeddedDir = path.join(root, 'embedded');
    mkdirSync(embeddedDir, { mode: 0o755 });
    const embedded = await openWorkspace({ dir: embeddedDir, logLevel: 'warn' });
    try {
      results.push(await measure('embedded', embedded, embeddedDir));
    } finally {
      await embedded.close();
    }
    const database = await createTestDatabase('mlp_bench');
    try {
      const serverDir = path.join(root, 'postgres');
      mkdirSync(serverDir, { mode: 0o755 });
      const server = await openWorkspace({ dir: serverDir, logLevel: 'warn', database: { url: database.url } });
      try {
        results.push(await measure('postgres', server, serverDir));
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return results;
}
