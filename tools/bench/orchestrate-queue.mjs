#!/usr/bin/env node
// The queue executor with two worker processes (8 tasks at once each; BENCH_CONCURRENCY changes it)
// on PostgreSQL, against a bare graphile-worker loop (the queue it is built on: two processes of as
// many no-op handlers) on the same server in the same run. Latency: a task's enqueue (the executor's
// `execute`, or `addJob`) to its first line, one task at a time onto idle workers. Throughput: 1,000
// no-op tasks (a map step, or 1,000 jobs) to the last one done. Targets (issue 14): p50 < 50 ms,
// p99 < 250 ms, >= 200 tasks/s.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace, sha256Hex } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';

const LATENCY_TASKS = Number(process.env.BENCH_LATENCY_TASKS ?? 100);
const TASKS = Number(process.env.BENCH_TASKS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const pipelineModule = path.join(import.meta.dirname, 'lib', 'queue-noop-pipeline.mjs');
const [, , role, dir, url] = process.argv;
const loadGraphile = async () => {
  const module = await import('graphile-worker');
  return module.default ?? module;
};
/** Attempts/s of the queue executor and its workers alone: TASKS attempts of the `started` step, executed at once. */
async function directThroughput(workspace, executor, pipeline) {
  const runId = `direct${Date.now()}`;
  const now = Date.now();
  await workspace.db.query(
    `insert into orchestrate_runs (run_id, pipeline_name, module_path, source_hash, params, status, trigger_kind, executor, created_time)
     values ($1, $2, $3, '', '{"n":0}', 'running', 'manual', 'queue', $4)`,
    [runId, pipeline.name, pipeline.modulePath, now],
  );
  await workspace.db.query(
    `insert into orchestrate_tasks (task_id, run_id, step, map_index, status, attempts, fence)
     select $1 || ':' || i, $1, 'started', i, 'running', 1, 1 from generate_series(0, $2 - 1) as i`,
    [runId, TASKS],
  );
  await workspace.db.query(
    `insert into orchestrate_attempts (task_id, attempt, run_id, status, executor, fence, started_time)
     select $1 || ':' || i, 1, $1, 'running', 'queue', 1, $3 from generate_series(0, $2 - 1) as i`,
    [runId, TASKS, now],
  );
  const recorded = { ...pipeline, sourceHash: sha256Hex(readFileSync(pipeline.modulePath, 'utf8')) };
  const t0 = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: TASKS }, (_, i) =>
      executor.execute(
        { runId, taskId: `${runId}:${i}`, attempt: 1, pipeline: recorded, step: 'started', mapIndex: i },
        new AbortController().signal,
      ),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const failed = outcomes.filter((outcome) => outcome.status !== 'succeeded');
  if (failed.length > 0) throw new Error(`${failed.length} direct attempts did not succeed: ${JSON.stringify(failed[0])}`);
  return Math.round(TASKS / seconds);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (role === 'worker') {
  const { startWorker } = await import('@mlp/orchestrate');
  const workspace = await openWorkspace({ dir, database: { url }, logLevel: 'warn' });
  const worker = await startWorker(workspace, { concurrency: CONCURRENCY });
  process.send({ ready: true });
  process.on('disconnect', async () => {
    await worker.close();
    await workspace.close();
    process.exit(0);
  });
} else if (role === 'peer') {
  const graphile = await loadGraphile();
  const runner = await graphile.run({
    connectionString: url,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: new graphile.Logger(() => () => {}),
    taskList: {
      bench_noop: async (payload) => {
        process.send({ key: payload.key, start: Date.now() });
      },
    },
  });
  process.send({ ready: true });
  process.on('disconnect', async () => {
    await runner.stop();
    process.exit(0);
  });
} else {
  const root = mkdtempSync(path.join(tmpdir(), 'mlp-bench-queue-'));
  const database = await createTestDatabase('mlp_bench');
  const workspace = await openWorkspace({ dir: root, logLevel: 'warn', database: { url: database.url } });
  const children = [];
  const spawnAll = async (kind, onMessage) => {
    const spawned = [0, 1].map(() => fork(process.argv[1], [kind, root, database.url], { execArgv: process.execArgv, stdio: 'inherit' }));
    children.push(...spawned);
    await Promise.all(spawned.map((child) => new Promise((resolve) => child.on('message', (m) => (m.ready ? resolve() : onMessage?.(m))))));
    return spawned;
  };
  const stopAll = (children) =>
    Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve) && child.disconnect())));
  const stats = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) };
  };
  try {
    const orchestrate = await import('@mlp/orchestrate');
    await orchestrate.ensureOrchestrateTables(workspace);
    // --- ours: startRun on the queue executor, two `startWorker` processes (what `mlp worker` runs)
    const queue = await orchestrate.openQueueExecutor(workspace);
    const enqueuedAt = new Map();
    const executor = {
      name: 'queue',
      execute(task, signal) {
        enqueuedAt.set(task.taskId, Date.now());
        return queue.execute(task, signal);
      },
      close: () => queue.close(),
    };
    const workers = await spawnAll('worker');
    const ref = { name: 'bench-queue-noop', modulePath: pipelineModule, sourceHash: '' };
    await (await orchestrate.startRun(workspace, ref, { params: { n: 10 }, executor })).done; // warm-up: module loads in the workers
    const latencies = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const summary = await (await orchestrate.startRun(workspace, ref, { params: { n: 0 }, executor })).done;
      const started = summary.tasks.find((task) => task.name === 'started');
      const [row] = await workspace.db.query('select value from orchestrate_outputs where task_id = $1', [started.taskId]);
      latencies.push(Number(row.value) - enqueuedAt.get(started.taskId));
      await sleep(10 + (i % 5) * 7);
    }
    // The executor alone (no run engine): TASKS attempts of a no-op step, their rows written up front as the engine would.
    const direct = await directThroughput(workspace, executor, ref);
    const t0 = performance.now();
    const big = await (await orchestrate.startRun(workspace, ref, { params: { n: TASKS }, executor })).done;
    const oursSeconds = (performance.now() - t0) / 1000;
    if (big.status !== 'succeeded') throw new Error(`the benchmark run ${big.runId} ended ${big.status}`);
    await stopAll(workers);
    await executor.close();

    // --- peer: bare graphile-worker on the same database
    const starts = new Map();
    const waiters = new Map();
    const peers = await spawnAll('peer', (m) => {
      starts.set(m.key, m.start);
      waiters.get(m.key)?.();
    });
    const graphile = await loadGraphile();
    const utils = await graphile.makeWorkerUtils({ connectionString: database.url });
    const startedKey = (key) => new Promise((resolve) => (starts.has(key) ? resolve() : waiters.set(key, resolve)));
    const peerLatencies = [];
    for (let i = 0; i < LATENCY_TASKS; i++) {
      const key = `lat${i}`;
      const before = Date.now();
      await utils.addJob('bench_noop', { key });
      await startedKey(key);
      peerLatencies.push(starts.get(key) - before);
      await sleep(10 + (i % 5) * 7);
    }
    const p0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < TASKS) await utils.addJob('bench_noop', { key: `tp${next++}` });
      }),
    );
    await Promise.all(Array.from({ length: TASKS }, (_, i) => startedKey(`tp${i}`)));
    const peerSeconds = (performance.now() - p0) / 1000;
    await utils.release();
    await stopAll(peers);

    const ours = {
      latency_ms: stats(latencies),
      tasks_per_second: Math.round(TASKS / oursSeconds),
      executor_only_tasks_per_second: direct,
    };
    const peer = { latency_ms: stats(peerLatencies), tasks_per_second: Math.round(TASKS / peerSeconds) };
    console.log(
      JSON.stringify(
        {
          benchmark: 'orchestrate-queue',
          workers: 2,
          concurrency_per_worker: CONCURRENCY,
          tasks: TASKS,
          queue_executor: ours,
          bare_graphile_worker: peer,
          // ours / the bare queue: the whole run (engine included), and the executor alone
          throughput_ratio: Math.round((ours.tasks_per_second / peer.tasks_per_second) * 100) / 100,
          executor_only_throughput_ratio: Math.round((direct / peer.tasks_per_second) * 100) / 100,
          targets: { p50_ms: 50, p99_ms: 250, tasks_per_second: 200 },
          meets_targets: ours.latency_ms.p50 < 50 && ours.latency_ms.p99 < 250 && ours.tasks_per_second >= 200,
        },
        null,
        2,
      ),
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await workspace.close();
    await database.drop();
    rmSync(root, { recursive: true, force: true });
  }
}
