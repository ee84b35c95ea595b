#!/usr/bin/env node
// Benchmarks opening an existing embedded workspace, cold (the server must start) and as a second
// process joining a running server, against the physical limits measured in the same run: the bare
// PostgreSQL start until ready, and a bare `pg` connect + SELECT 1.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import pg from 'pg';

const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 7);
const dir = mkdtempSync(path.join(tmpdir(), 'mlp-bench-open-'));
chmodSync(dir, 0o755);

// One fresh Node process per measurement: module loading is part of what a user waits for.
function measureInChild() {
  const script = `
    const started = performance.now();
    const { openWorkspace } = await import('@mlp/core');
    const imported = performance.now();
    const ws = await openWorkspace({ dir: ${JSON.stringify(dir)}, logLevel: 'warn' });
    const opened = performance.now();
    await ws.db.query('select 1');
    const queried = performance.now();
    await ws.close();
    console.log(JSON.stringify({ importMs: imported - started, openMs: opened - imported, firstQueryMs: queried - opened }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: process.cwd() });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

async function bareConnect(connection) {
  const started = performance.now();
  const client = new pg.Client(connection);
  await client.connect();
  await client.query('select 1');
  const elapsed = performance.now() - started;
  await client.end();
  return elapsed;
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: round(at(0.5)), min: round(sorted[0]), max: round(sorted[sorted.length - 1]) };
};
const round = (value) => Math.round(value * 10) / 10;

try {
  const createStarted = performance.now();
  const first = await openWorkspace({ dir, logLevel: 'warn' });
  const createMs = performance.now() - createStarted;
  await first.close();

  const cold = [];
  for (let i = 0; i < runs; i++) cold.push(measureInChild());

  // Keep one process in; the measured ones join its running server.
  const holder = await openWorkspace({ dir, logLevel: 'warn' });
  const join = [];
  for (let i = 0; i < runs; i++) join.push(measureInChild());
  const { host, port, user, password, database } = holder.db.pool.options;
  const bare = [];
  for (let i = 0; i < runs; i++) bare.push(await bareConnect({ host, port, user, password, database }));
  await holder.close();

  const coldOpen = stats(cold.map((run) => run.openMs));
  const joinOpen = stats(join.map((run) => run.openMs));
  const bareJoin = stats(bare);
  console.log(
    JSON.stringify(
      {
        benchmark: 'workspace-open',
        runs,
        createNewWorkspaceMs: round(createMs),
        moduleImportMs: stats(cold.map((run) => run.importMs)),
        coldOpenMs: coldOpen,
        joinOpenMs: joinOpen,
        bareConnectMs: bareJoin,
        joinOverBareConnect: round(joinOpen.median / bareJoin.median),
        targets: { coldOpenMs: 300, joinOpenMs: 500 },
        pass: coldOpen.median < 300 && joinOpen.median < 500,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
