#!/usr/bin/env node
// In-memory engine throughput in cell checks per second (rows × row-by-row expectations; target ≥ 20 M/s),
// on the 3,000,000 flights rows held as typed arrays. The peer in the same run: a bare JavaScript loop
// over the same Float64Array doing one comparison per cell, the floor for any checker in this process.
//
//   node tools/bench/validate-in-memory.mjs [--runs=3]
//
// Imports the built package: run `npm run build -w @mlp/validate` first (npm run bench does).
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createInMemoryEngine, createTable, defineSuite } from '@mlp/validate';

const file = path.resolve(import.meta.dirname, '../../node_modules/vega-datasets/data/flights-3m.parquet');
const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 3);

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(
  `SELECT CAST(delay AS DOUBLE) AS delay, CAST(distance AS DOUBLE) AS distance, origin, destination FROM read_parquet('${file}')`,
);
const columns = reader.getColumnsObjectJS();
connection.closeSync();
instance.closeSync();
const table = createTable({
  delay: Float64Array.from(columns.delay),
  distance: Float64Array.from(columns.distance),
  origin: columns.origin,
  destination: columns.destination,
});
const airports = ['ATL', 'ORD', 'DFW', 'LAX', 'PHX', 'DEN', 'LAS', 'IAH', 'DTW', 'SFO', 'MSP', 'STL', 'EWR', 'CLT', 'SEA'];
const suite = defineSuite('in-memory')
  .expect('expectColumnValuesToNotBeNull', { column: 'delay' })
  .expect('expectColumnValuesToNotBeNull', { column: 'distance' })
  .expect('expectColumnValuesToNotBeNull', { column: 'origin' })
  .expect('expectColumnValuesToBeBetween', { column: 'delay', minValue: -120, maxValue: 600, mostly: 0.99 })
  .expect('expectColumnValuesToBeBetween', { column: 'distance', minValue: 10, maxValue: 5000 })
  .expect('expectColumnValuesToBeOfType', { column: 'distance', type: 'integer' })
  .expect('expectColumnValuesToBeInSet', { column: 'origin', valueSet: airports, mostly: 0.3 })
  .expect('expectColumnValueLengthsToEqual', { column: 'destination', value: 3 })
  .build();

const engine = createInMemoryEngine(table);
let best = Number.POSITIVE_INFINITY;
let result;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  result = await engine.validate(suite);
  best = Math.min(best, performance.now() - started);
}
const cells = table.rowCount * suite.expectations.length;

// Peer: one comparison per cell over a typed array, as many cells as the suite checks.
const delay = table.columns[0].values;
let peerBest = Number.POSITIVE_INFINITY;
let sink = 0;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  for (let pass = 0; pass < suite.expectations.length; pass++) {
    for (let row = 0; row < delay.length; row++) if (delay[row] > 600) sink++;
  }
  peerBest = Math.min(peerBest, performance.now() - started);
}

const perSecond = cells / (best / 1000);
console.log(
  JSON.stringify(
    {
      bench: 'validate-in-memory',
      rows: table.rowCount,
      rowByRowExpectations: suite.expectations.length,
      cellChecks: cells,
      validateMs: Math.round(best),
      millionCellChecksPerSecond: Number((perSecond / 1e6).toFixed(1)),
      targetMillionPerSecond: 20,
      meetsTarget: perSecond >= 20e6,
      peerBareLoopMs: Math.round(peerBest),
      peerMillionCellsPerSecond: Number((cells / (peerBest / 1000) / 1e6).toFixed(1)),
      ratioToBareLoop: Number((best / peerBest).toFixed(2)),
      successful: result.statistics.successful,
      checksum: sink % 7,
    },
    null,
    2,
  ),
);
