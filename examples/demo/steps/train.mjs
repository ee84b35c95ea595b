// Demo step of @mlp/train, the pipeline's training stage: version the 3M-row flights Parquet as
// dataset `flights-delay`, gate it with an expectation suite, then run the flights example
// (examples/flights-delay/spec.yaml, cut down to 30,000 rows and 4 trials) on `flights-delay@latest`
// as a tracked TPE search, every trial a child run that records the dataset version. Then predict
// with the best model package through tfjs and through ONNX, and replay its self-check.
//
// Called by demo.mjs as `const search = await trainStep({ dir, step, mlp, workspace })`; returns
// what `mlp train --json` printed (parent_run_id, best_run_id, best_metrics, package, trials).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { openDatasetCatalog } from '@mlp/data-version';
import { loadModel, loadSpec } from '@mlp/train';
import { assertValid, defineSuite } from '@mlp/validate';

const require = createRequire(import.meta.url);
const flights = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

export async function trainStep({ dir, step, mlp, workspace }) {
  const started = performance.now();
  step('version the 3M flights (Parquet) as dataset flights-delay, the training data of examples/flights-delay');
  const ingested = JSON.parse(mlp('data', 'ingest', flights, '--to', 'data/flights-3m.parquet', '--name', 'flights-delay', '--json'));
  console.log(`  ${ingested.ref}: ${ingested.rows.toLocaleString('en-US')} rows, md5 ${ingested.root_hash}`);

  step('gate the training data: flights-delay@latest must pass its suite before anything trains on it');
  const catalog = await openDatasetCatalog(workspace);
  const training = await catalog.resolve('flights-delay@latest');
  const suite = defineSuite('flights-delay-training')
    .expect('expectTableRowCountToBeBetween', { minValue: 100_000 })
    .expect('expectColumnValuesToNotBeNull', { column: 'delay' })
    .expect('expectColumnValuesToNotBeNull', { column: 'date' })
    .expect('expectColumnValuesToBeBetween', { column: 'distance', minValue: 1, maxValue: 6000 })
    .expect('expectColumnValueLengthsToEqual', { column: 'origin', value: 3 });
  const gate = await assertValid(training.path, suite, { workspace, datasetVersion: training.version.ref });
  console.log(`  ${training.version.ref}: ${gate.statistics.successful}/${gate.statistics.evaluated} expectations met; training may start`);

  step('mlp train: a 4-trial TPE search on flights-delay@latest (late = delay > 15), every trial a child run');
  const example = await loadSpec(path.join(root, 'examples', 'flights-delay', 'spec.yaml'));
  const specFile = path.join(dir, 'flights-delay.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      ...example,
      data: 'flights-delay@latest',
      rows: 30_000,
      epochs: 4,
      // What the registry's data-validated gate reads: the training data passed the gate above.
      tags: { 'mlp.validation.success': String(gate.success) },
      search: { ...example.search, trials: 4, parallel: 2 },
    }),
  );
  const search = JSON.parse(mlp('train', specFile, '--json'));
  for (const trial of search.trials)
    console.log(
      `  trial ${trial.index} ${trial.status.padEnd(8)} val_auc=${trial.metrics.val_auc?.toFixed(4) ?? '-'} lr=${Number(trial.params['optimizer.learningRate']).toPrecision(2)} units=${JSON.stringify(trial.params['model.hiddenUnits'])}`,
    );
  const [used] = await catalog.lineage.usesOfRun(search.best_run_id);
  console.log(
    `  best run ${search.best_run_id.slice(0, 8)}…: test_auc=${search.best_metrics.test_auc.toFixed(4)} (a constant guess scores 0.5); it read ${used.version.ref}`,
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
  process.stdout.write(indent(mlp('predict', search.package, records)));
  console.log();
  process.stdout.write(indent(mlp('predict', search.package, records, '--runtime', 'onnx')));
  console.log();
  for (const runtime of ['tfjs', 'onnx']) {
    const model = await loadModel(search.package, { runtime });
    const check = await model.verify();
    await model.close();
    console.log(
      `  ${runtime}: the package's ${check.records} test records replay within ${check.maxAbsDifference.toExponential(1)} of their evaluation`,
    );
  }
  console.log(`  train step took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return search;
}
