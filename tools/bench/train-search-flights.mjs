#!/usr/bin/env node
// Wall time of the example search: examples/flights-delay/spec.yaml as written (TPE, ASHA pruner,
// 100,000 flights rows, 6 epochs, early stopping) with 20 trials and one trial per core, tracked on a
// fresh PostgreSQL database. Target: under 180 s. Also the trials FINISHED / PRUNED / FAILED and the
// best trial's val_auc and test_auc.
// Quality peers in the same run, on the same seeded sample and split: a trivial baseline (every test
// row gets the train+validation positive rate: rank AUC 0.5 by definition, computed here on the test
// labels counted from the logistic model's confusion matrix, with its log loss) and a logistic
// regression trained by the same `trainModel` on the same spec (no search).
//
//   node tools/bench/train-search-flights.mjs [--trials=20] [--parallel=0 (one per core)] [--database=embedded]
//                                             [--progress]
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { train, trainModel } from '@mlp/train';
import { flag, flightsSpec, load, openTracking, rankAuc, readFlights, round, tempFolder } from './lib/flights-training.mjs';

const trials = flag('trials', 20);
const parallel = flag('parallel', 0);
const progress = process.argv.includes('--progress');
const TARGET_SECONDS = 180;

const spec = await flightsSpec({}, { keepSearch: true });
const folder = tempFolder('train-search');
const tracking = await openTracking(folder.dir);
let searchFigures;
try {
  const started = performance.now();
  const result = await train(spec, {
    tracking: tracking.tracking,
    trials,
    ...(parallel ? { parallel } : {}),
    outDir: path.join(folder.dir, 'out'),
    ...(progress ? { onProgress: (line) => console.error(line) } : {}),
  });
  const seconds = (performance.now() - started) / 1000;
  const count = (status) => result.trials.filter((trial) => trial.status === status).length;
  const best = result.trials.find((trial) => trial.runId === result.bestRunId);
  searchFigures = {
    seconds: round(seconds),
    targetSeconds: TARGET_SECONDS,
    meetsTarget: seconds < TARGET_SECONDS,
    trials: { finished: count('FINISHED'), pruned: count('PRUNED'), failed: count('FAILED') },
    failures: [...new Set(result.trials.filter((trial) => trial.error).map((trial) => trial.error))],
    best: {
      params: best?.params,
      valAuc: round(result.bestMetrics.val_auc, 4),
      testAuc: round(result.bestMetrics.test_auc, 4),
      testLogLoss: round(result.bestMetrics.test_log_loss ?? result.bestMetrics.test_logLoss, 4),
      epochs: result.bestMetrics.epochs,
    },
    load: load(),
  };
} finally {
  await tracking.close();
}

// The peers: a logistic regression on the same sample and split, then the constant predictor.
let peers;
try {
  const { search, ...single } = spec;
  const { table } = await readFlights(single);
  const logistic = await trainModel(
    { ...single, model: { type: 'logistic', l2: 0 } },
    { table, packageDir: path.join(folder.dir, 'logistic') },
  );
  const [[trueNegatives, falsePositives], [falseNegatives, truePositives]] = logistic.evaluation.confusionMatrix;
  const testPositives = falseNegatives + truePositives;
  const testRows = testPositives + trueNegatives + falsePositives;
  const labels = new Uint8Array(testRows).fill(1, 0, testPositives);
  const allPositives = table.columns.get(spec.target.name).filter((value) => value === true).length;
  const rate = (allPositives - testPositives) / (table.rowCount - testRows);
  const logLoss = -(testPositives * Math.log(rate) + (testRows - testPositives) * Math.log(1 - rate)) / testRows;
  peers = {
    trivial: {
      predicts: round(rate, 4),
      testAuc: rankAuc(labels, new Float64Array(testRows).fill(rate)),
      testLogLoss: round(logLoss, 4),
      testRows,
      testPositiveRate: round(testPositives / testRows, 4),
    },
    logistic: {
      valAuc: round(logistic.metrics.val_auc, 4),
      testAuc: round(logistic.metrics.test_auc, 4),
      testLogLoss: round(logistic.metrics.test_log_loss ?? logistic.metrics.test_logLoss, 4),
      epochs: logistic.epochs,
      stoppedBy: logistic.stoppedBy,
    },
  };
} finally {
  folder.dispose();
}

console.log(
  JSON.stringify(
    {
      benchmark: 'train-search-flights',
      cores: availableParallelism(),
      parallel: parallel || availableParallelism(),
      requestedTrials: trials,
      rows: spec.rows,
      database: tracking.database,
      search: searchFigures,
      peers,
      bestTestAucOverLogistic: round(searchFigures.best.testAuc - peers.logistic.testAuc, 4),
      bestTestAucOverTrivial: round(searchFigures.best.testAuc - peers.trivial.testAuc, 4),
    },
    null,
    2,
  ),
);
