#!/usr/bin/env node
// The cost of the prediction log at full load (target: under 5% of throughput). A flights model
// package (trained here, or --package=DIR) served by startModelServer twice in this process: once
// without a prediction log, once logging every request (sample rate 1, the worst case) into an fs
// blob store. 32 keep-alive clients on loopback send, for --seconds each, batch-1 OIP v2 `infer`
// requests (the most log entries per second) and 8-record `/invocations` requests; the two servers
// take turns (A B A B) so a machine whose load drifts hurts both alike. loggingOverWithout is the
// ratio of requests/s; cpuWithoutOverWith the same ratio by CPU time per request (steadier on a busy machine).
// The writer alone, for decision 0005, on the entries the servers logged: entries/s and CPU per entry
// of createPredictionLog into the fs blob store (logCpuShareOfRequest: that CPU over a request's), and
// the records entries as jsonb rows inserted 1000 at a time into PostgreSQL (a fresh test database).
// recordsPredict: loadModel().predict's CPU per record at 1 and 32 records a call, what merging
// /invocations requests in the batcher could save beside a request's CPU.
//
//   node tools/bench/prediction-log.mjs [--seconds=5] [--rounds=2] [--concurrency=32] [--entries=100000] [--package=DIR]
import http from 'node:http';
import path from 'node:path';
import { createFsBlobStore } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { createPredictionLog, startModelServer } from '@mlp/deploy';
import { loadModel, tableRecords, trainModel } from '@mlp/train';
import pg from 'pg';
import { flag, flightsSpec, load, readFlights, round, tempFolder } from './lib/flights-training.mjs';

const seconds = flag('seconds', 5);
const rounds = flag('rounds', 2);
const concurrency = flag('concurrency', 32);
const entryCount = flag('entries', 100_000);

const folder = tempFolder('prediction-log');
let packageDir = flag('package', '');
const spec = await flightsSpec({
  backend: 'cpu',
  epochs: 1,
  rows: 20_000,
  earlyStopping: false,
  model: { type: 'mlp', hiddenUnits: [32, 16] },
});
if (!packageDir) {
  packageDir = path.join(folder.dir, 'model');
  await trainModel(spec, { packageDir });
}
const { table } = await readFlights({ ...spec, rows: 2000, seed: spec.seed + 1 });
const records = tableRecords(table, { columns: spec.features.map((feature) => feature.name) }).map((record) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])),
);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(url, body, type = 'application/json') {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': type, 'content-length': Buffer.byteLength(body) },
    });
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A number as the raw-column model takes it: dates as epoch milliseconds, missing as 0. */
const numeric = (value) => (typeof value === 'string' ? Date.parse(value) : Number(value ?? 0)) || 0;

/** OIP inputs for one record, typed as the model's metadata says. */
function inferBody(metadata, record) {
  return JSON.stringify({
    inputs: metadata.inputs.map((input) => ({
      name: input.name,
      datatype: input.datatype,
      shape: input.shape.map((dim) => (dim === -1 ? 1 : dim)),
      data: [input.datatype === 'BYTES' ? String(record[input.name] ?? '') : numeric(record[input.name])],
    })),
  });
}

/** Requests per second of `concurrency` clients sending `bodies` (in turn) to `url` for `seconds`. */
async function drive(url, bodies) {
  let sent = 0;
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const client = async (offset) => {
    for (let i = offset; performance.now() < until; i += concurrency) {
      const answer = await post(url, bodies[i % bodies.length]);
      if (answer.status === 200) sent += 1;
      else if (++failed === 1) console.error(`bench prediction-log: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, (_, offset) => client(offset)));
  const used = process.cpuUsage(cpu);
  return { perSecond: sent / ((performance.now() - started) / 1000), cpuMicros: (used.user + used.system) / sent, failed };
}

/** Entries as the servers logged them, by kind: the writer's measure below replays them. */
const captured = { records: [], tensors: [] };
function capture(entry) {
  if (captured[entry.kind].length < 200) captured[entry.kind].push(entry);
  return entry;
}

async function serve(logged) {
  const log = logged ? createPredictionLog({ blobs: createFsBlobStore({ root: path.join(folder.dir, 'blobs') }) }) : undefined;
  const server = await startModelServer({
    models: [`flights=${packageDir}`],
    ...(log ? { onPrediction: (entry) => log.record(capture(entry)) } : {}),
  });
  const metadata = await (await fetch(`${server.url}/v2/models/flights`)).json();
  return { server, log, metadata };
}

const servers = { without: await serve(false), with: await serve(true) };
const workloads = {
  infer: (setup) => ({
    url: `${setup.server.url}/v2/models/flights/infer`,
    bodies: records.slice(0, 500).map((record) => inferBody(setup.metadata, record)),
  }),
  invocations: (setup) => ({
    url: `${setup.server.url}/invocations`,
    bodies: Array.from({ length: 200 }, (_, i) => JSON.stringify({ dataframe_records: records.slice(i * 8, i * 8 + 8) })),
  }),
};
const serving = {};
for (const [name, workload] of Object.entries(workloads)) {
  const totals = { without: [], with: [] };
  const cpu = { without: [], with: [] };
  let failed = 0;
  for (const side of ['without', 'with']) await drive(workload(servers[side]).url, workload(servers[side]).bodies.slice(0, 50)); // warm-up
  for (let round = 0; round < rounds; round++) {
    // Each side goes first in every other round: neither gets the warmer machine every time.
    for (const side of round % 2 === 0 ? ['without', 'with'] : ['with', 'without']) {
      const { url, bodies } = workload(servers[side]);
      const result = await drive(url, bodies);
      totals[side].push(result.perSecond);
      cpu[side].push(result.cpuMicros);
      failed += result.failed;
    }
  }
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  serving[name] = {
    requestsPerSecondWithout: round(mean(totals.without)),
    requestsPerSecondWith: round(mean(totals.with)),
    loggingOverWithout: round(mean(totals.with) / mean(totals.without), 3),
    // The process's CPU time per request (server, clients and log writer all in this process): on a
    // machine shared with other work, the steadier measure of what logging adds.
    cpuMicrosPerRequestWithout: round(mean(cpu.without)),
    cpuMicrosPerRequestWith: round(mean(cpu.with)),
    cpuWithoutOverWith: round(mean(cpu.without) / mean(cpu.with), 3),
    rounds: { without: totals.without.map((value) => round(value)), with: totals.with.map((value) => round(value)) },
    failed,
  };
}
await servers.with.log.close();
const logStats = servers.with.log.stats;
await Promise.all([servers.without.server.close(), servers.with.server.close()]);
agent.destroy();

// The writer alone, on the entries the servers logged: wall time and this process's CPU per entry
// (record, serialisation, batch writes); logCpuShareOfRequest puts that CPU beside a request's.
const entryAt = (kind, i) => {
  const sample = captured[kind][i % captured[kind].length];
  return { ...sample, at: Date.now(), requestId: `r${i}` };
};
const writer = {};
for (const kind of ['tensors', 'records']) {
  const writerLog = createPredictionLog({
    blobs: createFsBlobStore({ root: path.join(folder.dir, `writer-${kind}`) }),
    maxBufferedEntries: entryCount,
  });
  const started = performance.now();
  const cpu = process.cpuUsage();
  // A hundred entries a turn, as a server records them between other work: the writer runs meanwhile.
  for (let i = 0; i < entryCount; i++) {
    writerLog.record(entryAt(kind, i));
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await writerLog.close();
  const used = process.cpuUsage(cpu);
  writer[kind] = {
    entriesPerSecond: round(entryCount / ((performance.now() - started) / 1000)),
    cpuMicrosPerEntry: round((used.user + used.system) / entryCount, 2),
    bytesPerEntry: round(JSON.stringify(entryAt(kind, 0)).length),
  };
}
serving.infer.logCpuShareOfRequest = round(writer.tensors.cpuMicrosPerEntry / serving.infer.cpuMicrosPerRequestWithout, 3);
serving.invocations.logCpuShareOfRequest = round(writer.records.cpuMicrosPerEntry / serving.invocations.cpuMicrosPerRequestWithout, 3);

// What merging /invocations requests in the batcher could save: loadModel().predict (preprocessing
// and the ONNX model, as /invocations runs them) in-process, CPU per record at 1 and at 32 records a call.
const packaged = await loadModel(packageDir, { runtime: 'onnx' });
const recordsPredict = {};
for (const size of [1, 32]) {
  const calls = Math.ceil(4000 / size);
  await packaged.predict(records.slice(0, size));
  const cpu = process.cpuUsage();
  for (let call = 0; call < calls; call++) await packaged.predict(records.slice((call * size) % 1900, ((call * size) % 1900) + size));
  const used = process.cpuUsage(cpu);
  recordsPredict[`cpuMicrosPerRecordAt${size}`] = round((used.user + used.system) / (calls * size), 2);
}
await packaged.close();

const database = await createTestDatabase('mlp_bench_prediction_log');
const client = new pg.Client({ connectionString: database.url });
await client.connect();
await client.query(
  'create table prediction_log (at timestamptz not null, model text not null, model_version text not null, request_id text not null, kind text not null, inputs jsonb not null, outputs jsonb not null, latency_ms double precision not null)',
);
await client.query('create index on prediction_log (model, at)');
const started = performance.now();
for (let start = 0; start < entryCount; start += 1000) {
  const values = [];
  const params = [];
  for (let i = start; i < Math.min(entryCount, start + 1000); i++) {
    const item = entryAt('records', i);
    const base = params.length;
    params.push(
      new Date(item.at),
      item.model,
      item.modelVersion,
      item.requestId,
      item.kind,
      JSON.stringify(item.inputs),
      JSON.stringify(item.outputs),
      item.latencyMs,
    );
    values.push(`(${Array.from({ length: 8 }, (_, k) => `$${base + k + 1}`).join(', ')})`);
  }
  await client.query(`insert into prediction_log values ${values.join(', ')}`, params);
}
const postgresEntriesPerSecond = entryCount / ((performance.now() - started) / 1000);
await client.end();
await database.drop();
folder.dispose();

const worst = Math.min(...Object.values(serving).map((result) => result.loggingOverWithout));
const worstCpu = Math.min(...Object.values(serving).map((result) => result.cpuWithoutOverWith));
const largestShare = Math.max(...Object.values(serving).map((result) => result.logCpuShareOfRequest));
console.log(
  JSON.stringify(
    {
      bench: 'prediction-log',
      concurrency,
      secondsPerRun: seconds,
      serving,
      recordsPredict,
      log: { accepted: logStats.accepted, written: logStats.written, dropped: logStats.dropped, batches: logStats.batches },
      writer: {
        entries: entryCount,
        ...writer,
        postgresRecordsEntriesPerSecond: round(postgresEntriesPerSecond),
        blobOverPostgres: round(writer.records.entriesPerSecond / postgresEntriesPerSecond, 2),
      },
      target: {
        loggingOverWithoutAtLeast: 0.95,
        met: worst >= 0.95,
        metByCpu: worstCpu >= 0.95,
        logCpuShareOfRequestAtMost: 0.05,
        metByWriterCpu: largestShare <= 0.05,
      },
      load: load(),
    },
    null,
    2,
  ),
);
