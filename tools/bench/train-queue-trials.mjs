#!/usr/bin/env node
// Search trials on the job queue: trials per minute of the same N-trial search (random sampler, same
// seed, so the same trials; fixed epochs, no early stopping, no pruner) of the flights example with
// its trials as jobs (`search.workers: queue`) run by 1, then 2 real `mlp worker` processes (the built
// CLI, one trial at a time each), on a fresh PostgreSQL database. The peer is the same search on one
// worker in the same run: speedup = trials/min on 2 workers ÷ on 1 (at most 2 on this machine's 2
// cores, where the search process and the database share them too). The same search in two worker
// threads in-process is measured alongside: what the queue costs against threads on one machine.
//
//   node tools/bench/train-queue-trials.mjs [--trials=6] [--epochs=3] [--rows=20000] [--modes=1,2,threads]
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openWorkspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { openJobQueue } from '@mlp/orchestrate';
import { createTracking } from '@mlp/tracking';
import { train } from '@mlp/train';
import { flag, flightsSpec, load, round, tempFolder } from './lib/flights-training.mjs';

const trials = flag('trials', 6);
const epochs = flag('epochs', 3);
const rows = flag('rows', 20_000);
const modes = flag('modes', '1,2,threads').split(',');
const cliBin = path.resolve(import.meta.dirname, '../../packages/cli/bin/mlp.js');

const example = await flightsSpec({}, { keepSearch: true });
const spec = await flightsSpec(
  {
    rows,
    epochs,
    earlyStopping: false,
    backend: 'wasm',
    search: { ...example.search, sampler: 'random', trials, parallel: 2, pruner: 'none' },
  },
  { keepSearch: true },
);

/** A real `mlp worker` (the built CLI), resolved once it takes jobs. */
function startWorker(dir, url) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  const child = spawn(process.execPath, [cliBin, '-C', dir, 'worker', '--concurrency', '1'], {
    env: { ...env, MLP_DATABASE_URL: url, MLP_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = [];
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith('mlp worker: ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`mlp worker exited (${code}) before it was ready:\n${lines.join('\n')}`)));
  });
}

async function search(mode) {
  const folder = tempFolder('train-queue');
  const database = await createTestDatabase('mlp_bench_train_queue');
  const dir = path.join(folder.dir, 'workspace');
  mkdirSync(dir, { mode: 0o755 });
  const workspace = await openWorkspace({ dir, logLevel: 'warn', database: { url: database.url } });
  const tracking = createTracking(workspace, { handleSignals: false, captureProvenance: false });
  const onQueue = mode !== 'threads';
  // The queue first: it sets up graphile-worker's schema, which workers starting at once on a fresh database race to create.
  const jobQueue = onQueue ? await openJobQueue(workspace) : undefined;
  const workers = [];
  for (let i = 0; onQueue && i < Number(mode); i++) workers.push(await startWorker(dir, database.url));
  try {
    const started = performance.now();
    const result = await train(spec, {
      tracking,
      outDir: path.join(folder.dir, 'out'),
      ...(onQueue ? { trialsOn: 'queue', jobQueue } : { trialsOn: 'threads' }),
    });
    const seconds = (performance.now() - started) / 1000;
    const count = (status) => result.trials.filter((trial) => trial.status === status).length;
    return {
      mode: onQueue ? `queue, ${mode} worker${mode === '1' ? '' : 's'}` : 'threads x2 in-process',
      workers: onQueue ? Number(mode) : 0,
      seconds: round(seconds),
      trialsPerMinute: round((trials * 60) / seconds, 2),
      finished: count('FINISHED'),
      failed: count('FAILED'),
      bestValAuc: round(result.bestMetrics.val_auc, 4),
      params: result.trials.map((trial) => JSON.stringify(trial.params)).join(' | '),
      load: load(),
    };
  } finally {
    await jobQueue?.close();
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(
      workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve() : worker.once('exit', resolve)))),
    );
    await tracking.close();
    await workspace.close();
    await database.drop();
    folder.dispose();
  }
}

const runs = [];
for (const mode of modes) runs.push(await search(mode));
const one = runs.find((run) => run.workers === 1);
const two = runs.find((run) => run.workers === 2);
const threads = runs.find((run) => run.workers === 0);
const sameTrials = runs.every((run) => run.params === runs[0].params);
for (const run of runs) delete run.params;

console.log(
  JSON.stringify(
    {
      benchmark: 'train-queue-trials',
      cores: availableParallelism(),
      trials,
      epochs,
      rows,
      sampler: 'random',
      sameTrialsInEveryMode: sameTrials,
      runs,
      speedupTwoWorkersOverOne: one && two ? round(two.trialsPerMinute / one.trialsPerMinute, 2) : null,
      twoWorkersOverThreads: two && threads ? round(two.trialsPerMinute / threads.trialsPerMinute, 2) : null,
    },
    null,
    2,
  ),
);
