#!/usr/bin/env node
// Search throughput in trials per minute: the same N-trial search (random sampler with the same seed,
// so the same trials; fixed epochs, no early stopping, no pruner) of the flights example run with
// parallel 1, then parallel 2 in worker threads, then parallel 2 in child processes, each a tracked
// `train` on a fresh PostgreSQL database. The peer is the same search at parallel 1 in the same run:
// speedup = trials/min at parallel 2 ÷ trials/min at parallel 1. Target: ≥ 1.6× on 2 cores. The
// physical limit, measured in the same run: the same pure-JavaScript loop in one, then two threads
// (what two cores give work that shares nothing).
//
//   node tools/bench/train-parallel-trials.mjs [--trials=6] [--epochs=6] [--rows=100000] [--modes=1,2,2p]
//                                              [--database=embedded]
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { train } from '@mlp/train';
import { flag, flightsSpec, load, openTracking, round, tempFolder } from './lib/flights-training.mjs';

const trials = flag('trials', 6);
const epochs = flag('epochs', 6); // the example spec's
const rows = flag('rows', 100_000);
const modes = flag('modes', '1,2,2p').split(',');

const example = await flightsSpec({}, { keepSearch: true });
const spec = await flightsSpec(
  {
    rows,
    epochs,
    earlyStopping: false,
    backend: 'wasm',
    search: { ...example.search, sampler: 'random', trials, pruner: 'none' },
  },
  { keepSearch: true },
);

async function search(mode) {
  const parallel = Number.parseInt(mode, 10);
  const workers = mode.endsWith('p') ? 'processes' : 'threads';
  const folder = tempFolder('train-parallel');
  const tracking = await openTracking(folder.dir);
  try {
    const started = performance.now();
    const result = await train(
      { ...spec, search: { ...spec.search, parallel, workers } },
      { tracking: tracking.tracking, outDir: path.join(folder.dir, 'out') },
    );
    const seconds = (performance.now() - started) / 1000;
    const count = (status) => result.trials.filter((trial) => trial.status === status).length;
    return {
      parallel,
      workers,
      seconds: round(seconds),
      trialsPerMinute: round((trials * 60) / seconds, 2),
      finished: count('FINISHED'),
      failed: count('FAILED'),
      bestValAuc: round(result.bestMetrics.val_auc, 4),
      // The sampled parameters, to show every mode ran the same trials.
      params: result.trials.map((trial) => JSON.stringify(trial.params)).join(' | '),
      load: load(),
    };
  } finally {
    await tracking.close();
    folder.dispose();
  }
}

/** Wall time of `threads` workers each spinning the same arithmetic loop (about 5 s each). */
function spin(threads) {
  const code = `let x = 0; for (let i = 0; i < 3e8; i++) x = (x * 1.0000001 + i) % 1e9; require('node:worker_threads').parentPort.postMessage(x);`;
  const started = performance.now();
  return Promise.all(
    Array.from({ length: threads }, () => new Promise((resolve) => new Worker(code, { eval: true }).once('message', resolve))),
  ).then(() => performance.now() - started);
}

const oneThread = await spin(1);
const twoThreads = await spin(2);
const limit = round((2 * oneThread) / twoThreads, 2);

const runs = [];
for (const mode of modes) runs.push(await search(mode));
const serial = runs.find((run) => run.parallel === 1);
const speedups = Object.fromEntries(
  runs
    .filter((run) => run.parallel > 1)
    .map((run) => [`${run.workers}x${run.parallel}`, serial ? round(run.trialsPerMinute / serial.trialsPerMinute, 2) : null]),
);
const sameTrials = runs.every((run) => run.params === runs[0].params);
for (const run of runs) delete run.params;

console.log(
  JSON.stringify(
    {
      benchmark: 'train-parallel-trials',
      cores: availableParallelism(),
      trials,
      epochs,
      rows,
      sampler: 'random',
      sameTrialsInEveryMode: sameTrials,
      runs,
      speedupOverParallel1: speedups,
      targetSpeedup: 1.6,
      physicalLimitSpeedup: limit,
      meetsTarget: Object.fromEntries(Object.entries(speedups).map(([mode, speedup]) => [mode, speedup >= 1.6])),
    },
    null,
    2,
  ),
);
