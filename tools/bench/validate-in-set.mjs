#!/usr/bin/env node
// An in-set check against a 1,000,000-value set (Great Expectations users report ~1,000 s for 200k values,
// gx#3699) must stay linear in rows. Times both engines at 1M, 2M and 4M rows and reports the time per
// million rows at each size; linear means those stay flat (ratio largest/smallest near 1). The peer in
// the same run: building a JavaScript Set of the 1M values and probing it once per row by hand.
//
//   node tools/bench/validate-in-set.mjs
//
// Imports the built package: run `npm run build -w @mlp/validate` first (npm run bench does).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createInMemoryEngine, createTable, defineSuite, openDuckDbEngine } from '@mlp/validate';

const SET_SIZE = 1_000_000;
const sizes = [1_000_000, 2_000_000, 4_000_000];
const valueSet = Array.from({ length: SET_SIZE }, (_, i) => i * 2); // even numbers below 2M
const suite = defineSuite('in-set').expect('expectColumnValuesToBeInSet', { column: 'id', valueSet, mostly: 0.4 }).build();
const dir = await mkdtemp(path.join(tmpdir(), 'mlp-bench-in-set-'));

// Rows cycle through 0..2.5M, so 40% of them fall outside the set.
const idAt = (row) => (row * 7919) % 2_500_000;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();

const measurements = [];
try {
  for (const rows of sizes) {
    const ids = new Float64Array(rows);
    for (let row = 0; row < rows; row++) ids[row] = idAt(row);
    const memoryStarted = performance.now();
    const memory = await createInMemoryEngine(createTable({ id: ids })).validate(suite);
    const memoryMs = performance.now() - memoryStarted;

    const file = path.join(dir, `ids-${rows}.parquet`);
    await connection.run(`COPY (SELECT (range * 7919) % 2500000 AS id FROM range(${rows})) TO '${file}' (FORMAT parquet)`);
    const duckStarted = performance.now();
    const engine = await openDuckDbEngine(file);
    const duck = await engine.validate(suite);
    await engine.close();
    const duckMs = performance.now() - duckStarted;

    const peerStarted = performance.now();
    const members = new Set(valueSet);
    let outside = 0;
    for (let row = 0; row < rows; row++) if (!members.has(ids[row])) outside++;
    const peerMs = performance.now() - peerStarted;

    if (memory.results[0].unexpectedCount !== outside || duck.results[0].unexpectedCount !== outside) {
      throw new Error(
        `engines disagree at ${rows} rows: ${memory.results[0].unexpectedCount}, ${duck.results[0].unexpectedCount}, ${outside}`,
      );
    }
    measurements.push({
      rows,
      unexpected: outside,
      memoryMs: Math.round(memoryMs),
      duckdbMs: Math.round(duckMs),
      peerHandLoopMs: Math.round(peerMs),
    });
  }
} finally {
  connection.closeSync();
  instance.closeSync();
  await rm(dir, { recursive: true, force: true });
}

const perMillion = (key) => measurements.map((entry) => entry[key] / (entry.rows / 1e6));
const flatness = (values) => Number((Math.max(...values) / Math.min(...values)).toFixed(2));
console.log(
  JSON.stringify(
    {
      bench: 'validate-in-set',
      setSize: SET_SIZE,
      measurements,
      msPerMillionRows: { memory: perMillion('memoryMs').map(Math.round), duckdb: perMillion('duckdbMs').map(Math.round) },
      // Fixed costs (building the 1M set) make the smallest size dearer per row; ≤ 2 means linear or better.
      linearity: { memory: flatness(perMillion('memoryMs')), duckdb: flatness(perMillion('duckdbMs')) },
      // The cost of each further million rows between sizes, fixed costs removed.
      incrementalMsPerMillionRows: {
        memory: measurements
          .slice(1)
          .map((entry, i) => Math.round((entry.memoryMs - measurements[i].memoryMs) / ((entry.rows - measurements[i].rows) / 1e6))),
        duckdb: measurements
          .slice(1)
          .map((entry, i) => Math.round((entry.duckdbMs - measurements[i].duckdbMs) / ((entry.rows - measurements[i].rows) / 1e6))),
      },
      ratioMemoryToPeerAtLargest: Number((measurements.at(-1).memoryMs / measurements.at(-1).peerHandLoopMs).toFixed(2)),
    },
    null,
    2,
  ),
);
