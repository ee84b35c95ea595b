import path from 'node:path';
import type { OnlineFeatureReader } from '@mlp/core';
import { createTempDir } from '@mlp/core/testing';
import { type LoadedModel, loadModel } from '@mlp/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../server/start-model-server.js';
import { flights, trainFlightsPackage } from './test-support/flights-package.js';

// /invocations through the model's dynamic batcher, over real HTTP on a package trained here:
// concurrent record requests become one predict, each answer is its own records' predictions,
// and a request with an invalid record fails alone.

let dir: Awaited<ReturnType<typeof createTempDir>>;
let server: ModelServer;
let enriched: ModelServer;
let reference: LoadedModel;
// An in-process online store (the OnlineFeatureReader contract): a flight id's distance and origin.
const flightInfo: Record<string, { distance: number; origin: string }> = {
  F1: { distance: 1200, origin: 'ORD' },
  F2: { distance: 300.5, origin: 'SEA' },
};
const reader: OnlineFeatureReader = {
  async getOnlineFeatures({ entityKeys }) {
    return entityKeys.map((key) => flightInfo[String(key.flight)] ?? null);
  },
};
const perRequest = [3, 1, 4];

beforeAll(async () => {
  dir = await createTempDir('mlp-records-batching-');
  const packageDir = path.join(dir.path, 'flights');
  await trainFlightsPackage(packageDir);
  reference = await loadModel(packageDir, { runtime: 'onnx' });
  server = await startModelServer({
    // Waits (up to a minute) until every request's rows are there: one run, deterministically.
    models: [{ source: packageDir, name: 'flights', batching: { maxBatchSize: 8, maxQueueDelayMs: 60_000 } }],
  });
  enriched = await startModelServer({
    models: [{ source: packageDir, name: 'flights' }],
    features: { reader, view: 'flight_info', entityKeys: { flight: 'flight_id' }, onMissing: 'null' },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await enriched?.close();
  await reference?.close();
  await dir?.remove();
});

const invoke = async (records: unknown[], on: ModelServer = server) => {
  const response = await fetch(`${on.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_records: records }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const batchSizes = async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}\\{model="flights"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { runs: value('mlp_model_batch_size_count'), rows: value('mlp_model_batch_size_sum') };
};

describe('/invocations through the dynamic batcher', () => {
  it('joins concurrent requests into one predict and answers each with its own predictions', async () => {
    const before = await batchSizes();
    const requests = perRequest.map((rows, i) => flights(rows, 20 + i).map(({ late: _late, ...record }) => record));
    const answers = await Promise.all(requests.map((records) => invoke(records)));
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body.predictions).toEqual(await reference.predict(requests[i] as Record<string, unknown>[]));
    }
    const after = await batchSizes();
    expect({ runs: after.runs - before.runs, rows: after.rows - before.rows }).toEqual({ runs: 1, rows: 8 });
  });

  it('fails only the request with an invalid record, numbered within that request', async () => {
    const good = flights(4, 31).map(({ late: _late, ...record }) => record);
    const bad = [...flights(3, 32).map(({ late: _late, ...record }) => record)];
    bad[2] = { ...bad[2], distance: 'far' };
    const [first, second] = await Promise.all([invoke(good), invoke(bad), invoke(flights(1, 33).map(({ late: _late, ...r }) => r))]);
    expect(first?.status).toBe(200);
    expect(first?.body.predictions).toEqual(await reference.predict(good));
    expect(second?.status).toBe(400);
    expect(second?.body.message).toMatch(/^Record 2 is invalid: .*distance/);
  });

  it("merges the online features of each record's entity before scoring (null for an unknown one)", async () => {
    const sent = [
      { date: '2001-03-04T18:30:00.000Z', flight_id: 'F1' },
      { date: '2001-03-05T06:00:00.000Z', flight_id: 'F2', distance: 50 },
      { date: '2001-03-05T07:00:00.000Z', flight_id: 'F9' },
    ];
    const answer = await invoke(sent, enriched);
    expect(answer.status).toBe(200);
    // The request's own distance wins; the unknown flight scores with missing values, imputed as in training.
    expect(answer.body.predictions).toEqual(
      await reference.predict([
        { date: sent[0]?.date, distance: 1200, origin: 'ORD' },
        { date: sent[1]?.date, distance: 50, origin: 'SEA' },
        { date: sent[2]?.date, distance: null, origin: null },
      ]),
    );
  });
});
