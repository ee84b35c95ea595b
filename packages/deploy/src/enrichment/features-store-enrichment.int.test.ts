import path from 'node:path';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { entity, featureView, type OnlineFeatures, openFeatureRegistry, openOnlineFeatures } from '@mlp/features';
import { type LoadedModel, loadModel } from '@mlp/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainFlightsPackage } from '../records/test-support/flights-package.js';
import { type ModelServer, startModelServer } from '../server/start-model-server.js';

// Request enrichment with @mlp/features' own online store on the workspace database (real
// PostgreSQL): a view materialised from a table, read by the model server through the
// OnlineFeatureReader contract while it answers /invocations over real HTTP.

let fx: TestWorkspace;
let online: OnlineFeatures;
let server: ModelServer;
let reference: LoadedModel;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-deploy-features-');
  const { workspace } = fx;
  await workspace.db.query('create table carrier_events (carrier text, ts timestamptz, distance double precision, origin text)');
  const now = Date.now();
  await workspace.db.query('insert into carrier_events values ($1, $2, 900, $3), ($1, $4, 1200, $5), ($6, $2, 300.5, $7)', [
    'AA',
    new Date(now - 7_200_000),
    'LAX',
    new Date(now - 3_600_000),
    'ORD',
    'UA',
    'SEA',
  ]);
  const carrier = entity({ name: 'carrier', joinKeys: { carrier: 'string' } });
  await (await openFeatureRegistry(workspace)).apply([
    featureView({
      name: 'carrier_stats',
      entities: [carrier],
      source: { table: 'carrier_events' },
      timestampColumn: 'ts',
      ttl: '7d',
      features: { distance: 'float64', origin: 'string' },
    }),
  ]);
  online = await openOnlineFeatures(workspace);
  await online.materialize('carrier_stats');
  const packageDir = path.join(workspace.config.dir, 'flights-package');
  await trainFlightsPackage(packageDir);
  reference = await loadModel(packageDir, { runtime: 'onnx' });
  server = await startModelServer({
    models: [{ source: packageDir, name: 'flights' }],
    features: { reader: online, view: 'carrier_stats', entityKeys: { carrier: 'carrier' } },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await reference?.close();
  await online?.close();
  await fx?.cleanup();
});

const invoke = async (records: unknown[]) => {
  const response = await fetch(`${server.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dataframe_records: records }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('request enrichment from the features online store', () => {
  it("scores records with each carrier's latest materialised features", async () => {
    const date = '2001-03-04T18:30:00.000Z';
    const answer = await invoke([
      { date, carrier: 'AA' },
      { date, carrier: 'UA' },
    ]);
    expect(answer.status).toBe(200);
    // AA's latest row (1200, ORD), not its older one.
    expect(answer.body.predictions).toEqual(
      await reference.predict([
        { date, distance: 1200, origin: 'ORD' },
        { date, distance: 300.5, origin: 'SEA' },
      ]),
    );
  });

  it('answers 404 naming a carrier the store holds nothing for', async () => {
    const answer = await invoke([{ date: '2001-03-04T18:30:00.000Z', carrier: 'ZZ' }]);
    expect(answer.status).toBe(404);
    expect(answer.body.message).toMatch(/feature view 'carrier_stats' holds nothing for carrier=ZZ/);
  });
});
