#!/usr/bin/env node
// Folding a prediction stream into window profiles (t-digest, the reference's fixed bins, distinct and
// frequent values): rows of vega-datasets' flights (5 columns and a prediction) folded row by row, as
// the prediction log hands them over. Targets: at least 200,000 rows/s, and a 10,000,000-row window
// with resident memory growing less than 300 MB (the rows are not kept). The peer in the same run is
// the bare loop over the same row objects (reading every field once), the floor of any per-row fold.
//
//   node tools/bench/monitor-profile-fold.mjs [--rows=10000000]
//
// Imports the built package: run `npm run build -w @mlp/monitor` first (npm run bench does).
import { loadavg } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DuckDBInstance } from '@duckdb/node-api';
import { DatasetProfile, detectProfileDrift, profileColumnData, readColumnData } from '@mlp/monitor';

// A collection before each memory reading, without a flag on the command line.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const flights = path.resolve(import.meta.dirname, '../../node_modules/vega-datasets/data/flights-3m.parquet');
const total = Number(process.argv.find((arg) => arg.startsWith('--rows='))?.slice(7) ?? 10_000_000);
const sourceRows = 200_000;

// The reference: the first million flights, read exactly and profiled (with its fixed bins).
const referenceFile = path.join(process.env.TMPDIR ?? '/tmp', `mlp-fold-ref-${process.pid}.parquet`);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(
  `COPY (SELECT delay, distance, origin, destination, hour(date) AS hour, (delay > 15)::INTEGER * 0.8 + 0.1 AS prediction FROM read_parquet('${flights}') LIMIT 1000000) TO '${referenceFile}' (FORMAT parquet)`,
);
const reference = profileColumnData((await readColumnData(referenceFile)).columns);
// The stream: 200,000 later flights as row objects (as the prediction log yields them), delays shifted.
const reader = await connection.runAndReadAll(
  `SELECT delay::DOUBLE + 10 AS delay, distance::DOUBLE AS distance, origin, destination, hour(date)::DOUBLE AS hour, (delay > 5)::INTEGER * 0.8 + 0.1 AS prediction FROM read_parquet('${flights}') OFFSET 2000000 LIMIT ${sourceRows}`,
);
const rows = reader.getRowObjectsJS();
connection.closeSync();
instance.closeSync();

function floorLoop(n) {
  let checksum = 0;
  for (let i = 0; i < n; i += 1) {
    const row = rows[i % sourceRows];
    for (const key in row) checksum += typeof row[key] === 'number' ? row[key] : row[key].length;
  }
  return checksum;
}

const fold = (n) => {
  const window = DatasetProfile.windowOf(reference);
  for (let i = 0; i < n; i += 1) window.addRow(rows[i % sourceRows]);
  return window;
};

// Throughput on 2,000,000 rows (after a warm-up), against the bare loop.
fold(200_000);
let started = performance.now();
floorLoop(2_000_000);
const floorMs = performance.now() - started;
started = performance.now();
fold(2_000_000);
const foldMs = performance.now() - started;

// Memory: the whole window folded, resident memory before and after (after collection).
gc();
const before = process.memoryUsage().rss;
started = performance.now();
const window = fold(total);
const windowMs = performance.now() - started;
gc();
const after = process.memoryUsage().rss;
const drift = detectProfileDrift(reference, window);
const stored = JSON.stringify(window.toJson()).length;

const rowsPerSecond = Math.round(2_000_000 / (foldMs / 1000));
const growthMb = Math.round((after - before) / 1e6);
console.log(
  JSON.stringify(
    {
      bench: 'monitor-profile-fold',
      load_average: Number(loadavg()[0].toFixed(1)),
      columns: Object.keys(rows[0]).length,
      fold_rows_per_s: rowsPerSecond,
      bare_loop_rows_per_s: Math.round(2_000_000 / (floorMs / 1000)),
      ratio_to_bare_loop: Number((foldMs / floorMs).toFixed(1)),
      target_rows_per_s: 200_000,
      window_rows: total,
      window_fold_s: Number((windowMs / 1000).toFixed(1)),
      rss_growth_mb: growthMb,
      target_rss_growth_mb: 300,
      stored_profile_kb: Math.round(stored / 1024),
      drifted_columns: drift.columns.filter((column) => column.drifted).map((column) => `${column.column} (${column.test})`),
      ok: rowsPerSecond >= 200_000 && growthMb < 300,
    },
    null,
    2,
  ),
);
await import('node:fs/promises').then((fs) => fs.rm(referenceFile, { force: true }));
