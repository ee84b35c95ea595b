// Demo step of @mlp/validate: profile a reference month of the 3M-row flights data into an editable
// suite, validate a new batch (a later month with a few injected faults) against it on the DuckDB
// engine, store the result in the workspace, and write the HTML report into the demo folder.
//
// Called by demo.mjs as `await validateStep({ dir, step, mlp })`: `dir` is the demo workspace,
// `step(title)` prints a heading, `mlp(...args)` runs the CLI there and returns its stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { openTabularDb, sqlString, tabularScanSql } from '@mlp/core/tabular';

const require = createRequire(import.meta.url);
const flights = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');
const indent = (text) => text.trimEnd().replace(/^/gm, '  ');

/** Runs the CLI and returns its stdout also when it exits 1 (a failed validation is an answer, not a crash). */
function mlpAllowingFailure(mlp, ...args) {
  try {
    return { code: 0, stdout: mlp(...args) };
  } catch (error) {
    if (error.status === 1 && typeof error.stdout === 'string') return { code: 1, stdout: error.stdout };
    throw error;
  }
}

export async function validateStep({ dir, step, mlp }) {
  const started = performance.now();
  const folder = path.join(dir, 'validate');
  mkdirSync(folder, { recursive: true });
  const reference = path.join(folder, 'flights-january.parquet');
  const batch = path.join(folder, 'flights-june.parquet');
  const suite = path.join(folder, 'flights-suite.json');
  const report = path.join(folder, 'flights-june-report.html');

  // The reference slice and the new batch, cut from the real data; the batch gets three kinds of fault.
  const db = await openTabularDb();
  const connection = await db.connect();
  const scan = tabularScanSql(flights, 'parquet');
  await connection.run(`COPY (SELECT * FROM ${scan} WHERE month(date) = 1) TO ${sqlString(reference)} (FORMAT parquet)`);
  await connection.run(
    `COPY (SELECT date,
                  CASE WHEN row_number() OVER () % 5000 = 0 THEN 9999 ELSE delay END AS delay,
                  distance,
                  CASE WHEN row_number() OVER () % 20000 = 0 THEN NULL ELSE origin END AS origin,
                  CASE WHEN row_number() OVER () % 7000 = 0 THEN 'X?Z' ELSE destination END AS destination
           FROM ${scan} WHERE month(date) = 6) TO ${sqlString(batch)} (FORMAT parquet)`,
  );
  connection.closeSync();
  await db.close();

  step('mlp validate profile: infer an editable suite from a reference month of flights');
  console.log(indent(mlp('validate', 'profile', reference, '--out', suite, '--name', 'flights')));
  const written = JSON.parse(readFileSync(suite, 'utf8'));
  for (const expectation of written.expectations.slice(0, 6))
    console.log(`    ${expectation.severity} ${expectation.type} ${JSON.stringify(expectation.args)}`);
  console.log(`    … ${written.expectations.length} expectations in ${path.relative(dir, suite)}`);

  step('edit the suite by hand: airport codes are three capital letters');
  written.expectations.push({
    type: 'expectColumnValuesToMatchRegex',
    args: { column: 'destination', regex: '^[A-Z]{3}$' },
    severity: 'error',
  });
  writeFileSync(suite, `${JSON.stringify(written, null, 2)}\n`);
  console.log('    + error expectColumnValuesToMatchRegex {"column":"destination","regex":"^[A-Z]{3}$"}');

  step('mlp validate: check a new month against it (DuckDB engine), store the result, write the HTML report');
  const { code, stdout } = mlpAllowingFailure(
    mlp,
    'validate',
    batch,
    '--suite',
    suite,
    '--report',
    report,
    '--dataset-version',
    'flights@june',
  );
  console.log(indent(stdout));
  console.log(`  exit code ${code} (1: an error-severity expectation failed, so a pipeline would stop here)`);
  console.log(`  validate step took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { report };
}
