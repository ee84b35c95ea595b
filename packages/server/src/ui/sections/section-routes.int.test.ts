import { datasetSummaryJson, datasetUseJson, datasetVersionJson, monitorAlertJson, monitorDriftPointJson } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeededSections, seedSections } from '../../test-support/sections-fixture.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

const write = { token: 'sections-write-token-0123', scopes: ['read', 'write'] as ['read', 'write'] };
const read = { token: 'sections-read-token-01234', scopes: ['read'] as ['read'] };
const as = (token: { token: string }) => ({ authorization: `Bearer ${token.token}` });

// The sections' UI API over real packages on real PostgreSQL, with read and write tokens.
describe('the web UI API of datasets, models, lineage, pipelines, deployments and monitoring', () => {
  let server: TestServer;
  let seeded: SeededSections;

  beforeAll(async () => {
    server = await startTestServer({
      tokens: [write, read],
      compose: async (workspace, dir) => {
        const made = await seedSections(workspace, dir);
        seeded = made.seeded;
        return made.options;
      },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    await seeded?.registry.close();
  });

  it('lists every section the server serves', async () => {
    const { body } = await server.get('/api/ui/pages', {}, as(read));
    expect((body.pages as { id: string }[]).map((p) => p.id)).toEqual([
      'experiments',
      'datasets',
      'models',
      'lineage',
      'pipelines',
      'deployments',
      'monitoring',
    ]);
  });

  it('serves datasets, a version with its schema, its runs and validations, and the report', async () => {
    const list = await server.get('/api/ui/datasets', {}, as(read));
    expect(list.body.datasets).toMatchObject([{ name: 'flights', version_count: 2, latest: { ref: 'flights@2' } }]);
    // The shapes `mlp data ls|show --json` print, from core: one shape for the CLI and the UI.
    expect(list.body.datasets).toEqual((await seeded.datasets.listDatasets()).map(datasetSummaryJson));
    const version = await server.get('/api/ui/dataset-versions/flights%402', {}, as(read));
    expect(version.status).toBe(200);
    expect(version.body.version).toMatchObject({
      ref: 'flights@2',
      schema: { row_count: 60, columns: [{ name: 'origin' }, { name: 'delay' }] },
    });
    expect(version.body.version).toEqual(datasetVersionJson(await seeded.datasets.getVersion('flights@2')));
    expect(version.body.runs).toEqual([expect.objectContaining({ run_id: seeded.runId, role: 'input' })]);
    expect(version.body.runs).toEqual((await seeded.datasets.lineage.runsOfVersion('flights@2')).map(datasetUseJson));
    const [validation] = version.body.validations as { validation_id: string; success: boolean; unsuccessful: number }[];
    expect(validation).toMatchObject({ success: false, unsuccessful: 1 });
    const report = await server.get(`/api/ui/validations/${validation?.validation_id}/report`, {}, as(read));
    expect(report.body.html).toContain('flights-checks');
    expect((await server.get('/api/ui/datasets/nope', {}, as(read))).status).toBe(404);
    expect((await server.get('/api/ui/dataset-versions/flights%409', {}, as(read))).status).toBe(404);
  });

  it('serves a model with its versions, gate results and audit log; unknown models are 404', async () => {
    const { body } = await server.get('/api/ui/models/delay', {}, as(read));
    expect(body.model).toMatchObject({ name: 'delay', aliases: { champion: 1 } });
    expect((body.versions as unknown[]).length).toBe(2);
    const promoted = (body.history as { action: string; gates: { passed: boolean }[] }[]).find((h) => h.action === 'promotion.promoted');
    expect(promoted?.gates).toEqual([expect.objectContaining({ passed: true })]);
    const missing = await server.get('/api/ui/models/no-such-model', {}, as(read));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('no-such-model');
  });

  it('promotes with a write token, refuses a read token and no token, and moves nothing then', async () => {
    const refused = await server.post('/api/ui/models/delay/promote', { version: '2', alias: 'champion' }, as(read));
    expect(refused.status).toBe(403);
    expect(refused.body.error_code).toBe('PERMISSION_DENIED');
    expect((await server.post('/api/ui/models/delay/promote', { version: '2', alias: 'champion' })).status).toBe(401);
    expect((await seeded.registry.getModel('delay')).aliases.champion).toBe(1);
    const promoted = await server.post('/api/ui/models/delay/promote', { version: '2', alias: 'champion' }, as(write));
    expect(promoted.body).toMatchObject({ outcome: 'promoted', previous_version: 1, gates: [{ passed: true }] });
    expect((await seeded.registry.getModel('delay')).aliases.champion).toBe(2);
    const history = await seeded.registry.history('delay');
    expect(history.at(-1)).toMatchObject({ action: 'promotion.promoted', actor: expect.any(String), version: 2 });
    const alias = await server.post('/api/ui/models/delay/aliases', { version: '1', alias: 'previous' }, as(write));
    expect(alias.status).toBe(200);
    expect((await seeded.registry.getModel('delay')).aliases.previous).toBe(1);
    const bad = await server.post('/api/ui/models/delay/aliases', { version: 'two', alias: 'x' }, as(write));
    expect(bad.status).toBe(400);
  });

  it('draws lineage from a dataset version to the deployment', async () => {
    const { body } = await server.get('/api/ui/lineage', { dataset: 'flights@2' }, as(read));
    const ids = (body.nodes as { id: string }[]).map((n) => n.id).sort();
    expect(ids).toEqual(['dataset:flights@2', 'deployment:delay-api', 'model:delay/1', 'model:delay/2', `run:${seeded.runId}`].sort());
    expect(body.edges).toEqual(
      expect.arrayContaining([
        { from: 'dataset:flights@2', to: `run:${seeded.runId}` },
        { from: `run:${seeded.runId}`, to: 'model:delay/1' },
        { from: 'model:delay/1', to: 'deployment:delay-api' },
      ]),
    );
    expect((await server.get('/api/ui/lineage', { model: 'nope' }, as(read))).status).toBe(404);
    expect((await server.get('/api/ui/lineage', {}, as(read))).status).toBe(400);
  });

  it('serves pipeline runs with their tasks and logs, deployments, and alerts', async () => {
    const run = await server.get(`/api/ui/pipeline-runs/${seeded.pipelineRunId}`, {}, as(read));
    expect(run.body.run).toMatchObject({ status: 'succeeded', tasks: [{ name: 'prepare' }, { name: 'train' }, { name: 'report' }] });
    expect(run.body.steps).toEqual([
      { name: 'prepare', kind: 'step', needs: [] },
      { name: 'train', kind: 'step', needs: ['prepare'] },
      { name: 'report', kind: 'step', needs: ['prepare', 'train'] },
    ]);
    const logs = await server.get(`/api/ui/pipeline-runs/${seeded.pipelineRunId}/logs`, { task: 'train' }, as(read));
    expect((logs.body.lines as { message: string }[]).map((l) => l.message)).toContain('trained on 60 rows');
    expect((await server.get('/api/ui/pipeline-runs/no-such-run', {}, as(read))).status).toBe(404);
    const deployment = await server.get('/api/ui/deployments/delay-api', {}, as(read));
    expect(deployment.body.deployment).toMatchObject({ model_name: 'delay', revisions: [{ model_version: 1 }] });
    expect((await server.get('/api/ui/deployments/nope', {}, as(read))).status).toBe(404);
    const rollback = await server.post('/api/ui/deployments/delay-api/rollback', {}, as(read));
    expect(rollback.status).toBe(403);
    expect((await server.get('/api/ui/monitors', {}, as(read))).body.monitors).toEqual(['flights-data']);
    const drift = await server.get('/api/ui/monitors/flights-data/drift', {}, as(read));
    expect((drift.body.points as { window_end: number }[]).map((p) => p.window_end)).toEqual([120_000, 180_000]);
    expect(drift.body.points).toEqual((await seeded.monitors.driftOverTime('flights-data')).map(monitorDriftPointJson));
    expect((drift.body.points as { columns: { column: string }[] }[])[0]?.columns.map((c) => c.column).sort()).toEqual(['delay', 'origin']);
    expect((await server.get('/api/ui/monitors/nope/drift', {}, as(read))).status).toBe(404);
    const alerts = await server.get('/api/ui/alerts', {}, as(read));
    expect(alerts.body.alerts).toEqual([expect.objectContaining({ monitor: 'flights-drift', state: 'firing', value: 0.5 })]);
    // The shape `mlp monitor alerts --json` prints, from core.
    expect(alerts.body.alerts).toEqual((await seeded.monitors.list()).map(monitorAlertJson));
  });
});
