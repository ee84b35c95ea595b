// Demo step of @mlp/train: a small tracked hyper-parameter search on the flights example
// (examples/flights-delay/spec.yaml, cut down to 30,000 rows and 4 trials), then predictions from the
// best model package through tfjs and through ONNX, and the package's self-check. The best trial's
// run holds the package as its `model/` artifact, so the registry takes it as it is.
//
// Called by demo.mjs as `await trainStep({ dir, step, mlp })`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadModel, loadSpec } from '@mlp/train';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

export async function trainStep({ dir, step, mlp }) {
  const started = performance.now();
  step('mlp train: a 4-trial TPE search on 30,000 flights, every trial a child run (late = delay > 15)');
  const example = await loadSpec(path.join(root, 'examples', 'flights-delay', 'spec.yaml'));
  const specFile = path.join(dir, 'flights-delay.json');
  writeFileSync(
    specFile,
    JSON.stringify({ ...example, rows: 30_000, epochs: 4, search: { ...example.search, trials: 4, parallel: 2 } }, null, 2),
  );
  const result = JSON.parse(mlp('train', specFile, '--json'));
  for (const trial of result.trials)
    console.log(
      `  trial ${trial.index} ${trial.status.padEnd(8)} val_auc=${trial.metrics.val_auc?.toFixed(4) ?? '-'} lr=${Number(trial.params['optimizer.learningRate']).toPrecision(2)} units=${JSON.stringify(trial.params['model.hiddenUnits'])}`,
    );
  console.log(
    `  best run ${result.best_run_id.slice(0, 8)}…: test_auc=${result.best_metrics.test_auc.toFixed(4)} (a constant guess scores 0.5)`,
  );

  step('mlp predict with the best package, through tfjs and through ONNX (onnxruntime-node)');
  const records = path.join(dir, 'flights-sample.json');
  writeFileSync(
    records,
    JSON.stringify([
      { date: '2001-03-02T07:15:00Z', distance: 740, origin: 'SEA', destination: 'SFO' },
      { date: '2001-03-02T18:40:00Z', distance: 1846, origin: 'ORD', destination: 'LAX' },
    ]),
  );
  process.stdout.write(indent(mlp('predict', result.package, records)));
  console.log();
  process.stdout.write(indent(mlp('predict', result.package, records, '--runtime', 'onnx')));
  console.log();
  for (const runtime of ['tfjs', 'onnx']) {
    const model = await loadModel(result.package, { runtime });
    const check = await model.verify();
    await model.close();
    console.log(
      `  ${runtime}: the package's ${check.records} test records replay within ${check.maxAbsDifference.toExponential(1)} of their evaluation`,
    );
  }

  step('mlp models register: the best trial’s package becomes flights-delay version 1');
  process.stdout.write(indent(mlp('models', 'register', result.best_run_id, '--name', 'flights-delay')));
  console.log(`\n  train step took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
