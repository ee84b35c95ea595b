#!/usr/bin/env node
// Peak memory of `mlp predict` against the number of rows: the same model package (an MLP trained here
// on a flights sample, or --package=DIR) predicts the first 100k and 1M rows and the whole 3M-row
// flights Parquet, each in its own process writing --out, and reports each process's peak RSS.
// Target: ratio3mOver100k ≈ 1 (prediction streams in chunks: memory is flat in the row count; before
// streaming, 3M rows peaked at 4.8 GB). What grows from 100k to 1M rows and then stays (ratio3mOver1m)
// is V8's heap headroom, garbage not yet collected, not live data: the same runs with the old space
// capped at --heap-cap MB (`capped`) peak alike for 100k and 3M rows. The floor in the same run: a
// process that only loads the package, so `aboveFloorMb` is what predicting adds.
//
//   node tools/bench/train-predict-memory.mjs [--package=DIR] [--runtime=tfjs|onnx] [--chunk-rows=16384] [--heap-cap=128]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { flag, flightsSpec, round, tempFolder } from './lib/flights-training.mjs';

const child = process.argv.indexOf('--child');
if (child >= 0) {
  // In the measured process: one CLI call, then this process's peak RSS on stdout.
  const [mode, packageDir, data, out, runtime, chunkRows] = process.argv.slice(child + 1);
  const started = performance.now();
  let code = 0;
  if (mode === 'load') {
    const { loadModel } = await import('@mlp/train');
    await (await loadModel(packageDir, { runtime })).close();
  } else {
    const { runCli } = await import('@mlp/cli');
    const { trainCommands } = await import('@mlp/train/cli');
    const args = ['predict', packageDir, data, '--out', out, '--runtime', runtime, '--chunk-rows', chunkRows, '--json'];
    code = await runCli(args, { modules: [trainCommands] });
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`\n${JSON.stringify({ code, maxRssMb: process.resourceUsage().maxRSS / 1024, seconds })}\n`);
  process.exit(code);
}

const runtime = flag('runtime', 'tfjs');
const chunkRows = flag('chunk-rows', 16_384);
const heapCap = flag('heap-cap', 128);
const folder = tempFolder('train-predict-memory');
try {
  const spec = await flightsSpec({ rows: 20_000, epochs: 1, earlyStopping: false, model: { type: 'mlp', hiddenUnits: [32, 16] } });
  let packageDir = flag('package', '');
  if (!packageDir) {
    const { trainModel } = await import('@mlp/train');
    packageDir = path.join(folder.dir, 'model');
    await trainModel(spec, { packageDir });
  }
  // The first 100,000 and 1,000,000 rows of the same file, as Parquet.
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  const head = async (rows) => {
    const file = path.join(folder.dir, `flights-${rows}.parquet`);
    await duckdb.run(`COPY (SELECT * FROM read_parquet('${spec.data}') LIMIT ${rows}) TO '${file}' (FORMAT parquet)`);
    return file;
  };
  const small = await head(100_000);
  const medium = await head(1_000_000);
  duckdb.closeSync();

  const measure = (mode, data, nodeFlags = []) => {
    const out = path.join(folder.dir, `${path.basename(data)}.jsonl`);
    const args = [
      ...nodeFlags,
      ...process.execArgv,
      import.meta.filename,
      '--child',
      mode,
      packageDir,
      data,
      out,
      runtime,
      String(chunkRows),
    ];
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const last = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0) throw new Error(`${mode} ${data} exited ${result.status}: ${result.stderr.slice(-2000)}`);
    const measured = JSON.parse(last);
    const rows = mode === 'load' ? 0 : readFileSync(out, 'utf8').split('\n').length - 1;
    return { rows, maxRssMb: round(measured.maxRssMb, 1), seconds: round(measured.seconds, 2) };
  };
  const floor = measure('load', small);
  const rows100k = measure('predict', small);
  const rows1m = measure('predict', medium);
  const rows3m = measure('predict', spec.data);
  const cap = [`--max-old-space-size=${heapCap}`];
  const capped100k = measure('predict', small, cap);
  const capped3m = measure('predict', spec.data, cap);
  console.log(
    JSON.stringify(
      {
        benchmark: 'train-predict-memory',
        runtime,
        chunkRows,
        floor,
        rows100k: { ...rows100k, aboveFloorMb: round(rows100k.maxRssMb - floor.maxRssMb, 1) },
        rows1m: { ...rows1m, aboveFloorMb: round(rows1m.maxRssMb - floor.maxRssMb, 1) },
        rows3m: { ...rows3m, aboveFloorMb: round(rows3m.maxRssMb - floor.maxRssMb, 1) },
        ratio3mOver100k: round(rows3m.maxRssMb / rows100k.maxRssMb, 3),
        ratio3mOver1m: round(rows3m.maxRssMb / rows1m.maxRssMb, 3),
        capped: {
          heapCapMb: heapCap,
          rows100k: capped100k,
          rows3m: capped3m,
          ratio3mOver100k: round(capped3m.maxRssMb / capped100k.maxRssMb, 3),
        },
      },
      null,
      2,
    ),
  );
} finally {
  folder.dispose();
}
