#!/usr/bin/env node
// Reads the vega-datasets flights-3m.parquet (3,000,000 rows) through @mlp/data-version's `openTable`
// as streamed records and as typed columns, and measures rows/s and the peak resident-memory growth.
// The peer in the same run: DuckDB's own Node API reading the same query the plainest way (stream for
// records, materialised chunks for columns), without mlp's row-count check and value conversion.
//
//   node tools/bench/data-catalog-read.mjs [--rounds=2]
//
// Imports the built package: run `npm run build -w @mlp/data-version` first (npm run bench does).
import { createRequire } from 'node:module';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openTable } from '@mlp/data-version';

const require = createRequire(import.meta.url);
const file = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');
const roundsArg = process.argv.find((arg) => arg.startsWith('--rounds='));
const rounds = roundsArg ? Number(roundsArg.split('=')[1]) : 2;
const MB = 1024 * 1024;

/** Best of `rounds` runs of `work` (which returns rows read), with the peak RSS growth seen during any of them. */
async function measure(work) {
  let best = Number.POSITIVE_INFINITY;
  let rows = 0;
  let peakGrowth = 0;
  for (let round = 0; round < rounds; round++) {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    rows = await work();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    best = Math.min(best, seconds);
    peakGrowth = Math.max(peakGrowth, peak - before);
  }
  return { rows, seconds: Number(best.toFixed(3)), rowsPerSecond: Math.round(rows / best), peakRssGrowthMB: Math.round(peakGrowth / MB) };
}

const instance = await DuckDBInstance.create(':memory:');
const sql = `SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`;

const mlpRecords = await measure(async () => {
  let count = 0;
  for await (const batch of (await openTable(file)).batches()) count += batch.length;
  return count;
});
const duckdbRecords = await measure(async () => {
  const connection = await instance.connect();
  let count = 0;
  for await (const batch of (await connection.stream(sql)).yieldRowObjectJs()) count += batch.length;
  connection.closeSync();
  return count;
});
const mlpColumns = await measure(async () => {
  const columns = await (await openTable(file, { columns: ['delay', 'distance'] })).columns();
  return columns.delay.length;
});
const duckdbColumns = await measure(async () => {
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(`SELECT delay, distance FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const columns = reader.getColumnsObjectJS();
  connection.closeSync();
  return columns.delay.length;
});

console.log(
  JSON.stringify(
    {
      bench: 'data-catalog-read',
      file: path.basename(file),
      rounds,
      records: {
        mlp: mlpRecords,
        duckdb: duckdbRecords,
        speedRatio: Number((mlpRecords.rowsPerSecond / duckdbRecords.rowsPerSecond).toFixed(2)),
      },
      columns: {
        mlp: mlpColumns,
        duckdb: duckdbColumns,
        speedRatio: Number((mlpColumns.rowsPerSecond / duckdbColumns.rowsPerSecond).toFixed(2)),
      },
    },
    null,
    2,
  ),
);
