import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type BlobStore, MlpError, type PredictionLogEntry } from '@mlp/core';
import { createBearerAuth, createHostCheck, createRequestHandler } from '@mlp/core/http';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { type LoadedModel, loadModel } from '@mlp/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionLog, type PredictionLog } from '../prediction-log/prediction-log.js';
import { createPredictionLogReader } from '../prediction-log/prediction-log-reader.js';
import { invocationsRoutes } from './invocations-route.js';
import { createPackageRecordsModels, type PackageRecordsModels } from './package-records-models.js';
import { flightsColumns as columns, flights, trainFlightsPackage } from './test-support/flights-package.js';

// MLflow's scoring protocol over real HTTP on a model package trained here, the answers compared with
// loadModel().predict; the prediction log on a workspace (real PostgreSQL, blob folder) read back
// through the contract; a full buffer dropping and counting without holding a request.

let fx: TestWorkspace;
let packageDir: string;
let reference: LoadedModel;
let models: PackageRecordsModels;
let server: Server;
let url: string;
let log: PredictionLog;
let logged: PredictionLogEntry[] = [];
let sink: (entry: PredictionLogEntry) => void = () => {};

const serving = [
  ...flights(5, 7),
  { date: '2001-03-04T18:30:00.000Z', distance: null, origin: 'BOS' },
  { date: '2001-03-05T06:00:00.000Z', distance: 300.5, origin: 'ORD' },
];

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-invocations-');
  packageDir = path.join(fx.workspace.config.dir, 'flights-package');
  await trainFlightsPackage(packageDir);
  reference = await loadModel(packageDir, { runtime: 'onnx' });
  models = createPackageRecordsModels();
  const served = { name: 'flights', version: '1', state: 'READY', packageDir };
  await models.warm(served);

  const routes = invocationsRoutes({
    model: (name) => {
      if (name !== undefined && name !== 'flights') throw new MlpError('NOT_FOUND', `No model named '${name}' on this server.`);
      return models.get(served);
    },
    onPrediction: (entry) => sink(entry),
    maxBodyBytes: 64 * 1024,
  });
  const handler = createRequestHandler({
    mounts: [{ prefixes: ['/'], routes }],
    services: {},
    logger: fx.workspace.logger,
    auth: createBearerAuth(undefined),
    hostCheck: createHostCheck('127.0.0.1', []),
    maxBodyBytes: 64 * 1024,
    redact: (message) => message.split(fx.workspace.config.dir).join('<workspace>'),
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await log?.close();
  await models?.close();
  await reference?.close();
  await fx?.cleanup();
});

async function invoke(body: unknown, type = 'application/json', pathName = '/invocations') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const answer = await fetch(`${url}${pathName}`, { method: 'POST', headers: { 'content-type': type }, body: text });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const toCsv = (records: Record<string, unknown>[]) =>
  `${columns.join(',')}\n${records.map((record) => columns.map((name) => record[name] ?? '').join(',')).join('\n')}\n`;

describe('POST /invocations: the formats', () => {
  it('answers each JSON format with what loadModel().predict gives the same records', async () => {
    const expected = await reference.predict(serving);
    expect(expected).toHaveLength(serving.length);
    const bodies = {
      dataframe_split: { dataframe_split: { columns, data: serving.map((record) => columns.map((name) => record[name] ?? null)) } },
      dataframe_records: { dataframe_records: serving },
      instances: { instances: serving },
      inputs: { inputs: Object.fromEntries(columns.map((name) => [name, serving.map((record) => record[name] ?? null)])) },
      inputs_records: { inputs: serving },
    };
    for (const [format, body] of Object.entries(bodies)) {
      const answer = await invoke(body);
      expect(answer.status, format).toBe(200);
      expect(answer.body, format).toEqual({ predictions: expected });
    }
    const named = await invoke(bodies.dataframe_records, 'application/json; charset=utf-8', '/models/flights/invocations');
    expect(named.body).toEqual({ predictions: expected });
  });

  it('reads CSV with the types a training file gets, and answers as predict does', async () => {
    const answer = await invoke(toCsv(serving), 'text/csv');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ predictions: await reference.predict(serving) });
    expect((await invoke('', 'text/csv')).body).toEqual({ predictions: [] });
  });

  it('takes the target column alongside the features (a replayed training row)', async () => {
    const rows = flights(3, 11);
    const answer = await invoke({ dataframe_records: rows });
    expect(answer.body).toEqual({ predictions: await reference.predict(rows) });
  });
});

describe('POST /invocations: bad input', () => {
  const expectBadRequest = (answer: { status: number; body: Record<string, unknown> }, message: RegExp, code = 'BAD_REQUEST') => {
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe(code);
    expect(answer.body.message).toMatch(message);
  };

  it('names an unknown column and the columns the model takes', async () => {
    const answer = await invoke({ dataframe_records: [{ ...serving[0], distnace: 12 }] });
    expectBadRequest(answer, /column "distnace", which the model does not take; its columns are date, distance, origin/);
  });

  it('names the field of a value of the wrong type', async () => {
    const answer = await invoke({ dataframe_records: [serving[0], { ...serving[1], distance: 'far' }] });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/Record 1 is invalid: .*distance/);
    const nested = await invoke({ instances: [{ ...serving[0], origin: { code: 'SEA' } }] });
    expect(nested.status).toBe(400);
    expect(nested.body.message).toMatch(/field "origin"/);
  });

  it("refuses what is not one of MLflow's input fields, as MLflow does", async () => {
    expectBadRequest(await invoke([{ distance: 1 }]), /exactly one of the input fields .* Received a list/);
    expectBadRequest(await invoke({ records: serving }), /exactly one of the input fields .*fields: records/);
    expectBadRequest(await invoke({ instances: serving, inputs: serving }), /exactly one of the input fields/);
    expectBadRequest(
      await invoke({ dataframe_split: { columns, data: [[1, 2]] } }),
      /dataframe_split.data\[0\] must be a list of 3 values/,
    );
    expectBadRequest(await invoke({ inputs: { distance: [1, 2], origin: ['SEA'] } }), /differ in length/);
    expectBadRequest(await invoke({ instances: [[1, 2, 3]] }), /instances\[0\] is a list, not a record/);
    expectBadRequest(await invoke('{"dataframe_records": [', 'application/json'), /Failed to parse the request body as JSON/);
  });

  it('refuses malformed CSV without naming a server path', async () => {
    const answer = await invoke('date,distance,origin\n"2001-03-04T18:30:00Z,300,SEA\n', 'text/csv');
    expectBadRequest(answer, /Failed to parse the request body as CSV .*Malformed CSV in the request body: line 2/);
    expect(String(answer.body.message)).not.toMatch(/\/tmp|mlp-invocations-|\.csv/);
  });

  it('answers 415 for other content types and charsets, 413 past the body limit, 404 for an unknown model', async () => {
    expect((await invoke('x', 'text/plain')).status).toBe(415);
    expect((await invoke({ instances: serving }, 'application/json; charset=latin-1')).status).toBe(415);
    expect((await invoke({ instances: serving }, 'application/json; format=pandas-split')).status).toBe(415);
    const large = await invoke({ dataframe_records: Array.from({ length: 2000 }, () => serving[0]) });
    expect(large.status).toBe(413);
    const unknown = await invoke({ instances: serving }, 'application/json', '/models/nope/invocations');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('the prediction log behind /invocations', () => {
  it('writes sampled entries to the workspace and reads them back by model and window', async () => {
    log = createPredictionLog({ blobs: fx.workspace.blobs, flushIntervalMs: 60_000 });
    logged = [];
    sink = (entry) => {
      logged.push(entry);
      log.record(entry);
    };
    const from = Date.now();
    const first = await invoke({ dataframe_records: serving.slice(0, 2) });
    const second = await invoke(toCsv(serving.slice(2, 4)), 'text/csv');
    expect([first.status, second.status]).toEqual([200, 200]);
    await log.flush();
    const to = Date.now() + 1;
    const read: PredictionLogEntry[] = [];
    for await (const entry of createPredictionLogReader({ blobs: fx.workspace.blobs }).read({ model: 'flights', from, to }))
      read.push(entry);
    expect(read).toHaveLength(2);
    expect(read.map((entry) => entry.requestId)).toEqual(logged.map((entry) => entry.requestId));
    expect(read[0]).toMatchObject({
      model: 'flights',
      modelVersion: '1',
      kind: 'records',
      inputs: serving.slice(0, 2),
      outputs: first.body.predictions,
    });
    // CSV timestamps were read as dates; the log holds them as ISO text.
    expect(read[1]?.inputs).toEqual(serving.slice(2, 4).map((record) => Object.fromEntries(columns.map((name) => [name, record[name]]))));
    expect(read[1]?.outputs).toEqual(second.body.predictions);
    for (const entry of read) expect(entry.latencyMs).toBeGreaterThan(0);
    await log.close();
  });

  it('answers even when the prediction sink throws', async () => {
    sink = () => {
      throw new Error('sink down');
    };
    const answer = await invoke({ instances: serving.slice(0, 1) });
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toHaveLength(1);
  });

  it('drops and counts past a full buffer while every request is answered', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blobs: BlobStore = {
      ...fx.workspace.blobs,
      put: (key, body, options) => held.then(() => fx.workspace.blobs.put(key, body, options)),
    };
    let droppedTotal = 0;
    log = createPredictionLog({ blobs, maxBufferedEntries: 2, maxBatchEntries: 1, onDropped: (count) => (droppedTotal += count) });
    sink = (entry) => log.record(entry);
    const answers = await Promise.all(Array.from({ length: 6 }, () => invoke({ instances: serving.slice(0, 1) })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(log.stats).toMatchObject({ accepted: 2, dropped: 4, written: 0 });
    expect(droppedTotal).toBe(4);
    release();
    await log.close();
    expect(log.stats).toMatchObject({ written: 2, dropped: 4, buffered: 0 });
  });
});
