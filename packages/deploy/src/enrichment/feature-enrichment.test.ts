import { MlpError, type OnlineFeatureReader, type OnlineFeatureRequest } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../server/start-model-server.js';
import { postJson, writeModels } from '../server/test-support/model-files.js';
import { buildOnnxModel, OnnxType } from '../server/test-support/onnx-builder.js';
import { featureServeArgs, parseEntityKeyFields } from './feature-enrichment.js';

// Request enrichment over real HTTP with an in-process online store (the OnlineFeatureReader contract;
// @mlp/features provides the real one): the model takes distance and origin, clients send a flight id.

/** distance (FP64) and origin (BYTES) through Identity, so the answer shows what the model received. */
const echoModel = () =>
  buildOnnxModel({
    inputs: [
      { name: 'distance', type: OnnxType.DOUBLE, shape: ['N'] },
      { name: 'origin', type: OnnxType.STRING, shape: ['N'] },
    ],
    outputs: [
      { name: 'distance_out', type: OnnxType.DOUBLE, shape: ['N'] },
      { name: 'origin_out', type: OnnxType.STRING, shape: ['N'] },
    ],
    nodes: [
      { op: 'Identity', inputs: ['distance'], outputs: ['distance_out'] },
      { op: 'Identity', inputs: ['origin'], outputs: ['origin_out'] },
    ],
  });

const store: Record<string, { distance: number; origin: string }> = {
  F1: { distance: 1200, origin: 'ORD' },
  F2: { distance: 300.5, origin: 'BOS' },
};
const calls: OnlineFeatureRequest[] = [];
const reader: OnlineFeatureReader = {
  async getOnlineFeatures(request) {
    calls.push(request);
    if (request.view !== 'flight_info') throw new MlpError('NOT_FOUND', `No feature view named '${request.view}'.`);
    return request.entityKeys.map((key) => store[String(key.flight)] ?? null);
  },
};

let models: Awaited<ReturnType<typeof writeModels>>;
let strict: ModelServer;
let lenient: ModelServer;
let misconfigured: ModelServer;

beforeAll(async () => {
  models = await writeModels({ echo: echoModel() });
  const source = models.files.echo as string;
  strict = await startModelServer({ models: [source], features: { reader, view: 'flight_info', entityKeys: { flight: 'flight' } } });
  lenient = await startModelServer({
    models: [source],
    features: { reader, view: 'flight_info', entityKeys: { flight: 'id' }, onMissing: 'null' },
  });
  misconfigured = await startModelServer({ models: [source], features: { reader, view: 'nope', entityKeys: { flight: 'flight' } } });
});
afterAll(async () => {
  await Promise.all([strict?.close(), lenient?.close(), misconfigured?.close()]);
  await models?.remove();
});

const infer = (server: ModelServer, inputs: unknown[]) => postJson(`${server.url}/v2/models/echo/infer`, { inputs });
const flights = (field: string, ids: string[]) => ({ name: field, datatype: 'BYTES', shape: [ids.length], data: ids });

describe('request enrichment from the online feature store', () => {
  it("adds the view's features as inputs, read once per distinct entity", async () => {
    calls.length = 0;
    const answer = await infer(strict, [flights('flight', ['F1', 'F2', 'F1'])]);
    expect(answer.status).toBe(200);
    expect(answer.body.outputs).toEqual([
      { name: 'distance_out', datatype: 'FP64', shape: [3], data: [1200, 300.5, 1200] },
      { name: 'origin_out', datatype: 'BYTES', shape: [3], data: ['ORD', 'BOS', 'ORD'] },
    ]);
    expect(calls).toEqual([{ view: 'flight_info', entityKeys: [{ flight: 'F1' }, { flight: 'F2' }] }]);
  });

  it("keeps what the request sends itself over the store's value", async () => {
    const answer = await infer(strict, [flights('flight', ['F1']), { name: 'distance', datatype: 'FP64', shape: [1], data: [5] }]);
    expect(answer.body.outputs).toMatchObject([{ data: [5] }, { data: ['ORD'] }]);
  });

  it('answers 404 naming an entity the store holds nothing for, or scores it with missing values when asked', async () => {
    const rejected = await infer(strict, [flights('flight', ['F1', 'F9'])]);
    expect(rejected.status).toBe(404);
    expect(rejected.body.error).toMatch(/Row 1: the feature view 'flight_info' holds nothing for flight=F9/);
    const scored = await infer(lenient, [flights('id', ['F9', 'F2'])]);
    expect(scored.status).toBe(200);
    // NaN (the missing number) is null in JSON; a missing string is ''.
    expect(scored.body.outputs).toMatchObject([{ data: [null, 300.5] }, { data: ['', 'BOS'] }]);
  });

  it('refuses a request without the entity key, and says when the server names a view the store does not know', async () => {
    const missing = await infer(strict, [{ name: 'distance', datatype: 'FP64', shape: [1], data: [5] }]);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/Input 'flight' is missing: it holds the entity key 'flight' of the feature view 'flight_info'/);
    const unknown = await infer(misconfigured, [flights('flight', ['F1'])]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/enriches requests from the feature view 'nope'.*No feature view named 'nope'/);
  });

  it('reads --entity-key-field and gives the serve flags of a spec', () => {
    expect(parseEntityKeyFields('carrier')).toEqual({ carrier: 'carrier' });
    expect(parseEntityKeyFields('carrier=airline, origin')).toEqual({ carrier: 'airline', origin: 'origin' });
    expect(() => parseEntityKeyFields('a=b=c')).toThrow(/JOIN_KEY=REQUEST_FIELD/);
    expect(
      featureServeArgs({ view: 'v', entityKeys: { carrier: 'airline', origin: 'origin' }, features: ['x', 'y'], onMissing: 'null' }),
    ).toEqual(['--features', 'v', '--entity-key-field', 'carrier=airline,origin', '--feature-names', 'x,y', '--missing-features', 'null']);
    expect(featureServeArgs(undefined)).toEqual([]);
  });
});
