#!/usr/bin/env node
// The model server under load: the flights model (an MLP [32,16] trained here, its package's
// model.onnx on raw columns: date and distance FP64, origin and destination BYTES) served by
// `mlp serve` in its own process over OIP v2 on loopback, against onnxruntime's `session.run`
// called directly in a loop on the same batches (the peer, measured in the same run).
//
//   1. rows/s with dynamic batching, 32 keep-alive clients each sending 100-row requests, over the
//      direct loop on 100-row batches (target ≥ 0.8);
//   2. batch-1 requests at concurrency 32, dynamic batching over --no-batching (target ≥ 3);
//   3. p99 latency of batch-1 requests at concurrency 1 (target < 2 ms).
//
// The load generator shares the machine (2 cores here) with the server: what it costs is in the figures.
//   node tools/bench/serving.mjs [--seconds=3] [--rounds=3] [--rows=100] [--clients=32] [--package=DIR]
//   SERVE_PROF=DIR writes a CPU profile of each server process into DIR.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { tableRecords, trainModel } from '@mlp/train';
import * as ort from 'onnxruntime-node';
import { flag, flightsSpec, load, readFlights, round, tempFolder } from './lib/flights-training.mjs';
import { openConnection, prebuiltRequest } from './lib/keep-alive-client.mjs';

const seconds = flag('seconds', 3);
const roundCount = flag('rounds', 3);
const rowsPerRequest = flag('rows', 100);
const clients = flag('clients', 32);
const root = path.resolve(import.meta.dirname, '../..');
const cliBin = path.join(root, 'packages/cli/src/bin.ts');

const folder = tempFolder('serving');
let packageDir = flag('package', '');
const spec = await flightsSpec({
  epochs: 1,
  earlyStopping: false,
  rows: 20_000,
  model: { type: 'mlp', hiddenUnits: [32, 16], dropout: 0.1 },
});
if (!packageDir) {
  packageDir = path.join(folder.dir, 'model');
  await trainModel(spec, { packageDir });
}
const { table } = await readFlights({ ...spec, rows: 10_000, seed: spec.seed + 1 });
const records = tableRecords(table, { columns: spec.features.map((feature) => feature.name) });
const { features } = JSON.parse(await readFile(path.join(packageDir, 'preprocessing.json'), 'utf8')).features;

/** The OIP inputs (and onnxruntime feeds) of records [start, start + n): one vector per feature. */
function columns(start, n) {
  const slice = records.slice(start, start + n);
  return features.map(({ name, type }) =>
    type === 'categorical'
      ? { name, datatype: 'BYTES', shape: [n], data: slice.map((record) => (record[name] == null ? '' : String(record[name]))) }
      : {
          name,
          datatype: 'FP64',
          shape: [n],
          data: slice.map((record) => {
            const value = record[name];
            const number = value == null ? 0 : type === 'date' && typeof value !== 'number' ? new Date(value).getTime() : Number(value);
            return Number.isFinite(number) ? number : 0;
          }),
        },
  );
}
const feedsOf = (inputs) =>
  Object.fromEntries(
    inputs.map((input) => [
      input.name,
      new ort.Tensor(
        input.datatype === 'BYTES' ? 'string' : 'float64',
        input.datatype === 'BYTES' ? input.data : Float64Array.from(input.data),
        input.shape,
      ),
    ]),
  );

// Request bodies made once (the client's cost is then sending bytes, not building JSON).
const batches = Array.from({ length: 64 }, (_, i) => columns((i * rowsPerRequest) % (records.length - rowsPerRequest), rowsPerRequest));
const bodies = batches.map((inputs) => JSON.stringify({ inputs }));
const singles = Array.from({ length: 256 }, (_, i) => JSON.stringify({ inputs: columns(i, 1) }));

/** The same batch with OIP's binary tensor data: the JSON object, then FP64 and length-prefixed BYTES values. */
function binaryRequest(inputs) {
  const parts = inputs.map((input) => {
    if (input.datatype === 'FP64') return Buffer.from(Float64Array.from(input.data).buffer);
    return Buffer.concat(
      input.data.flatMap((value) => {
        const text = Buffer.from(value);
        const length = Buffer.alloc(4);
        length.writeUInt32LE(text.length);
        return [length, text];
      }),
    );
  });
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map(({ data: _data, ...input }, i) => ({ ...input, parameters: { binary_data_size: parts[i].length } })),
    }),
  );
  return {
    body: Buffer.concat([header, ...parts]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}
const binaryBodies = batches.map(binaryRequest);

/** Direct: session.run on the same batches in a loop, for `seconds`. */
async function direct() {
  const session = await ort.InferenceSession.create(path.join(packageDir, 'model.onnx'), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
  });
  const feeds = batches.map(feedsOf);
  await session.run(feeds[0]);
  let rows = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    // Fresh tensors each run, as a caller building them from its data would.
    const results = await session.run(feedsOf(batches[i % batches.length]));
    for (const tensor of Object.values(results)) tensor.dispose?.();
    rows += rowsPerRequest;
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await session.release();
  return { rowsPerSecond: rows / elapsed, cpuMsPer1000Rows: ((cpu.user + cpu.system) / 1000 / rows) * 1000 };
}

/** The server process's CPU seconds so far, from its own /metrics (prom-client's process metrics). */
async function serverCpuSeconds(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return value('process_cpu_user_seconds_total') + value('process_cpu_system_seconds_total');
}

/** `mlp serve` in its own process; resolves with its URL once it prints the ready line. */
function serve(args) {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.SERVE_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SERVE_PROF}`] : []),
      '--conditions=@mlp/source',
      '--import',
      'tsx',
      cliBin,
      'serve',
      `flights=${packageDir}`,
      '--port',
      '0',
      '--json',
      ...args,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{"url"'))
        resolve({ url: JSON.parse(line).url, stop: () => new Promise((done) => child.once('exit', done).kill('SIGTERM')) });
    });
    child.once('exit', (code) => reject(new Error(`mlp serve exited with ${code}`)));
  });
}

/** `concurrency` clients (one keep-alive connection each) sending `bodies` in turn for `seconds`; request count and latencies (ms). */
async function drive(url, concurrency, requestBodies) {
  const requests = requestBodies.map((body) =>
    typeof body === 'string'
      ? prebuiltRequest(`${url}/v2/models/flights/infer`, body)
      : prebuiltRequest(`${url}/v2/models/flights/infer`, body.body, body.headers),
  );
  const connections = await Promise.all(Array.from({ length: concurrency }, () => openConnection(url)));
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  let next = 0;
  try {
    await Promise.all(
      connections.map(async (connection) => {
        while (performance.now() < until) {
          const request = requests[next++ % requests.length];
          const started = performance.now();
          const status = await connection.send(request);
          if (status !== 200) throw new Error(`HTTP ${status}`);
          latencies.push(performance.now() - started);
        }
      }),
    );
  } finally {
    for (const connection of connections) connection.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    perSecond: latencies.length / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
  };
}

const loadBefore = load();
const batched = await serve(process.env.SERVE_ARGS ? process.env.SERVE_ARGS.split(' ') : []);
const unbatched = await serve(['--no-batching']);
// Warm both ends (connections, JIT) before measuring.
await drive(batched.url, clients, bodies.slice(0, 4));
await drive(unbatched.url, clients, singles.slice(0, 4));

// The machine is shared: each round measures the peer and the server back to back, and the
// figures are the medians of the rounds' ratios (so a load change between two phases moves one round).
const rounds = [];
for (let round = 0; round < roundCount; round++) {
  const { rowsPerSecond: directRowsPerSecond, cpuMsPer1000Rows: directCpu } = await direct();
  const cpuBefore = await serverCpuSeconds(batched.url);
  const clientCpuBefore = process.cpuUsage();
  const batchedRun = await drive(batched.url, clients, bodies);
  const binaryRun = await drive(batched.url, clients, binaryBodies);
  const clientUsage = process.cpuUsage(clientCpuBefore);
  const clientCpu = ((clientUsage.user + clientUsage.system) / 1000 / (batchedRun.requests * rowsPerRequest)) * 1000;
  const serverCpu = (((await serverCpuSeconds(batched.url)) - cpuBefore) * 1000 * 1000) / (batchedRun.requests * rowsPerRequest);
  const batchedSingles = await drive(batched.url, clients, singles);
  const unbatchedSingles = await drive(unbatched.url, clients, singles);
  const latencyRun = await drive(batched.url, 1, singles);
  rounds.push({
    binaryRun,
    load: load(),
    directRowsPerSecond,
    directCpu,
    serverCpu,
    clientCpu,
    batchedRun,
    batchedSingles,
    unbatchedSingles,
    latencyRun,
  });
}
await batched.stop();
await unbatched.stop();
folder.dispose();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const httpRows = (r) => r.batchedRun.perSecond * rowsPerRequest;
const pick = (fn) => median(rounds.map(fn));
console.log(
  JSON.stringify(
    {
      bench: 'serving',
      model: 'flights MLP [32,16], raw-column model.onnx (4 inputs: 2 FP64, 2 BYTES)',
      clients,
      rowsPerRequest,
      seconds,
      rounds: roundCount,
      load: { before: loadBefore, perRound: rounds.map((r) => r.load) },
      throughput: {
        httpRowsPerSecond: Math.round(pick(httpRows)),
        directSessionRunRowsPerSecond: Math.round(pick((r) => r.directRowsPerSecond)),
        httpOverDirect: round(
          pick((r) => httpRows(r) / r.directRowsPerSecond),
          2,
        ),
        httpOverDirectPerRound: rounds.map((r) => round(httpRows(r) / r.directRowsPerSecond, 2)),
        // The same batches with OIP's binary tensor data extension (no JSON numbers or strings to parse).
        binaryHttpOverDirect: round(
          pick((r) => (r.binaryRun.perSecond * rowsPerRequest) / r.directRowsPerSecond),
          2,
        ),
        binaryHttpOverDirectPerRound: rounds.map((r) => round((r.binaryRun.perSecond * rowsPerRequest) / r.directRowsPerSecond, 2)),
        target: 0.8,
        p99Ms: round(
          pick((r) => r.batchedRun.p99),
          2,
        ),
        // CPU per 1000 rows (less sensitive to a shared machine than rates): the server process (HTTP,
        // JSON, batching and onnxruntime in its worker) against the direct loop's process.
        serverCpuMsPer1000Rows: round(
          pick((r) => r.serverCpu),
          2,
        ),
        clientCpuMsPer1000Rows: round(
          pick((r) => r.clientCpu),
          2,
        ),
        directCpuMsPer1000Rows: round(
          pick((r) => r.directCpu),
          2,
        ),
      },
      batchOneAtConcurrency: {
        batchedRequestsPerSecond: Math.round(pick((r) => r.batchedSingles.perSecond)),
        unbatchedRequestsPerSecond: Math.round(pick((r) => r.unbatchedSingles.perSecond)),
        batchedOverUnbatched: round(
          pick((r) => r.batchedSingles.perSecond / r.unbatchedSingles.perSecond),
          2,
        ),
        batchedOverUnbatchedPerRound: rounds.map((r) => round(r.batchedSingles.perSecond / r.unbatchedSingles.perSecond, 2)),
        target: 3,
        batchedP99Ms: round(
          pick((r) => r.batchedSingles.p99),
          2,
        ),
        unbatchedP99Ms: round(
          pick((r) => r.unbatchedSingles.p99),
          2,
        ),
      },
      latencyAtConcurrencyOne: {
        p50Ms: round(
          pick((r) => r.latencyRun.p50),
          3,
        ),
        p99Ms: round(
          pick((r) => r.latencyRun.p99),
          3,
        ),
        p99MsPerRound: rounds.map((r) => round(r.latencyRun.p99, 3)),
        targetP99Ms: 2,
      },
    },
    null,
    2,
  ),
);
