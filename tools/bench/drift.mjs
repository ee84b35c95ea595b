#!/usr/bin/env node
// Drift between two 1,000,000-row × 20-column Parquet files made from vega-datasets' flights (3M rows):
// the reference is the first million rows, the current window the next million with some columns
// shifted. Every column gets Evidently's default test (a reference above 1,000 rows: normed Wasserstein
// for numbers, Jensen-Shannon for categories). Target: the drift work beyond reading the columns
// under 1 s, against the limit measured in the same run: reading every value of the same columns of
// both files once.
//
//   node tools/bench/drift.mjs [--runs=3]
//
// Imports the built package: run `npm run build -w @mlp/monitor` first (npm run bench does).
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { detectFileDrift } from '@mlp/monitor';

const flights = path.resolve(import.meta.dirname, '../../node_modules/vega-datasets/data/flights-3m.parquet');
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 3);
const rows = 1_000_000;

// 20 columns: 12 numeric (whole and continuous), 8 categorical, derived from the real ones.
const columns = (shift) => `
  delay + ${shift ? 12 : 0} AS delay, distance, origin, destination,
  hour(date) AS hour, minute(date) AS minute, dayofweek(date) AS weekday, day(date) AS day_of_month,
  delay * 1.37 + distance / 97.0 + ${shift ? 9.5 : 0} AS delay_score, ln(distance + 1) AS log_distance,
  distance / 60.0 + (delay % 7) AS block_hours, (distance * 7919) % 1000 / 10.0 AS noise,
  delay // 15 AS delay_bucket, sqrt(abs(delay)) AS delay_root,
  CASE WHEN ${shift ? 'delay > -5' : 'delay > 15'} THEN 'late' ELSE 'on_time' END AS status,
  origin || '-' || destination AS route, substr(origin, 1, 1) AS origin_letter,
  CASE WHEN distance < 500 THEN 'short' WHEN distance < 1500 THEN 'medium' ELSE 'long' END AS haul,
  monthname(date) AS month, dayname(date) AS day_name`;

const dir = await mkdtemp(path.join(tmpdir(), 'mlp-bench-drift-'));
const reference = path.join(dir, 'reference.parquet');
const current = path.join(dir, 'current.parquet');
const names = [];
const types = {};
{
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const source = `(SELECT * FROM read_parquet('${flights}') LIMIT ${2 * rows})`;
  await connection.run(`CREATE TABLE numbered AS SELECT row_number() OVER () AS n, * FROM ${source}`);
  await connection.run(`COPY (SELECT ${columns(false)} FROM numbered WHERE n <= ${rows}) TO '${reference}' (FORMAT parquet)`);
  await connection.run(`COPY (SELECT ${columns(true)} FROM numbered WHERE n > ${rows}) TO '${current}' (FORMAT parquet)`);
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${reference}')`);
  for (const row of described.getRowObjectsJS()) {
    names.push(row.column_name);
    types[row.column_name] = row.column_type;
  }
  connection.closeSync();
  instance.closeSync();
}

async function time(work) {
  const times = [];
  let value;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    value = await work();
    times.push(performance.now() - started);
  }
  return { ms: Math.min(...times), value };
}

// The limit: one query per file that reads every value of every column once (sums of numbers, longest
// texts: no Parquet statistic answers them), the floor of any check that reads the columns.
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const touchEvery = names.map((name) => (types[name] === 'VARCHAR' ? `max(length("${name}"))` : `sum("${name}")`)).join(', ');
const readOnce = await time(async () => {
  await connection.runAndReadAll(`SELECT ${touchEvery} FROM read_parquet('${reference}')`);
  await connection.runAndReadAll(`SELECT ${touchEvery} FROM read_parquet('${current}')`);
});
connection.closeSync();
instance.closeSync();

const drift = await time(() => detectFileDrift(reference, current));
const result = drift.value.result;
await rm(dir, { recursive: true, force: true });

const beyondRead = drift.ms - readOnce.ms;
const testCounts = {};
for (const column of result.columns) testCounts[column.test] = (testCounts[column.test] ?? 0) + 1;
console.log(
  JSON.stringify(
    {
      bench: 'drift',
      load_average: Number(loadavg()[0].toFixed(1)),
      rows_per_side: rows,
      columns: names.length,
      tests: testCounts,
      drifted_columns: result.columns.filter((column) => column.drifted).map((column) => column.column),
      dataset_drift: result.datasetDrift,
      read_once_ms: Math.round(readOnce.ms),
      drift_ms: Math.round(drift.ms),
      beyond_read_ms: Math.round(beyondRead),
      ratio_to_read: Number((drift.ms / readOnce.ms).toFixed(2)),
      target_beyond_read_ms: 1000,
      ok: beyondRead < 1000,
    },
    null,
    2,
  ),
);
