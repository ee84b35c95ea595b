import { MlpError } from '@mlp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoggedModel } from '../model.js';
import type { TrackingStore } from '../store/tracking-store.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error.code;
}

let counter = 0;
const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;
const absentModel = 'm-0123456789abcdef0123456789abcdef';

/** MLflow 3's logged models and run outputs: part of the tracking store contract. */
export function describeLoggedModels(store: () => TrackingStore): void {
  describe('logged models', () => {
    let experimentId: string;
    beforeAll(async () => {
      experimentId = (await store().createExperiment({ name: unique('models') })).experimentId;
    });

    it('creates a PENDING model under the experiment, finalizes it READY, and reads it back', async () => {
      const run = await store().createRun({ experimentId });
      const created = await store().createLoggedModel({
        experimentId,
        name: 'classifier',
        modelType: 'Classifier',
        sourceRunId: run.runId,
        params: { lr: '0.1' },
        tags: { team: 'ml' },
      });
      expect(created.modelId).toMatch(/^m-[0-9a-f]{32}$/);
      expect(created).toMatchObject({
        experimentId,
        name: 'classifier',
        status: 'PENDING',
        modelType: 'Classifier',
        sourceRunId: run.runId,
        params: { lr: '0.1' },
        tags: { team: 'ml' },
        metrics: [],
      });
      const experiment = await store().getExperiment(experimentId);
      expect(created.artifactLocation).toBe(`${experiment.artifactLocation}/models/${created.modelId}/artifacts`);
      expect(created.lastUpdatedTimestamp).toBe(created.creationTimestamp);

      const ready = await store().finalizeLoggedModel(created.modelId, 'READY');
      expect(ready.status).toBe('READY');
      expect(ready.lastUpdatedTimestamp).toBeGreaterThanOrEqual(created.creationTimestamp);
      expect(await store().getLoggedModel(created.modelId)).toEqual(ready);
      expect((await store().finalizeLoggedModel(created.modelId, 'FAILED')).status).toBe('FAILED');
    });

    it('names a model when none is given, and refuses names MLflow refuses', async () => {
      const unnamed = await store().createLoggedModel({ experimentId });
      expect(unnamed.name).not.toBe('');
      expect(unnamed.modelType).toBeNull();
      expect(unnamed.sourceRunId).toBeNull();
      for (const name of ['a/b', 'a.b', 'a:b', '']) {
        expect(await codeOf(store().createLoggedModel({ experimentId, name }))).toBe('INVALID_ARGUMENT');
      }
    });

    it('sets and deletes tags, and keeps params write-once', async () => {
      const model = await store().createLoggedModel({ experimentId, params: { a: '1' } });
      await store().setLoggedModelTags(model.modelId, { stage: 'dev', owner: 'ana' });
      await store().setLoggedModelTags(model.modelId, { stage: 'prod' });
      await store().deleteLoggedModelTag(model.modelId, 'owner');
      expect(await codeOf(store().deleteLoggedModelTag(model.modelId, 'owner'))).toBe('NOT_FOUND');
      await store().logLoggedModelParams(model.modelId, [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
      expect(await codeOf(store().logLoggedModelParams(model.modelId, [{ key: 'a', value: 'changed' }]))).toBe('INVALID_ARGUMENT');
      const read = await store().getLoggedModel(model.modelId);
      expect(read.tags).toEqual({ stage: 'prod' });
      expect(read.params).toEqual({ a: '1', b: '2' });
    });

    it('reports unknown and deleted models as NOT_FOUND, and refuses a deleted experiment', async () => {
      expect(await codeOf(store().getLoggedModel(absentModel))).toBe('NOT_FOUND');
      expect(await codeOf(store().finalizeLoggedModel(absentModel, 'READY'))).toBe('NOT_FOUND');
      expect(await codeOf(store().setLoggedModelTags(absentModel, { a: 'b' }))).toBe('NOT_FOUND');
      expect(await codeOf(store().logLoggedModelParams(absentModel, [{ key: 'a', value: 'b' }]))).toBe('NOT_FOUND');
      expect(await codeOf(store().deleteLoggedModel(absentModel))).toBe('NOT_FOUND');
      expect(await codeOf(store().createLoggedModel({ experimentId: '987654321' }))).toBe('NOT_FOUND');

      const model = await store().createLoggedModel({ experimentId });
      await store().deleteLoggedModel(model.modelId);
      expect(await codeOf(store().getLoggedModel(model.modelId))).toBe('NOT_FOUND');
      expect(await codeOf(store().deleteLoggedModel(model.modelId))).toBe('NOT_FOUND');

      const gone = await store().createExperiment({ name: unique('gone') });
      await store().deleteExperiment(gone.experimentId);
      expect(await codeOf(store().createLoggedModel({ experimentId: gone.experimentId }))).toBe('FAILED_PRECONDITION');
    });

    it("records a run's outputs once each, and refuses unknown models and runs", async () => {
      const run = await store().createRun({ experimentId });
      const first = await store().createLoggedModel({ experimentId, sourceRunId: run.runId });
      const second = await store().createLoggedModel({ experimentId, sourceRunId: run.runId });
      await store().logOutputs(run.runId, [{ modelId: first.modelId, step: 0 }]);
      await store().logOutputs(run.runId, [
        { modelId: first.modelId, step: 0 },
        { modelId: second.modelId, step: 5 },
      ]);
      const outputs = (await store().getRun(run.runId)).outputs;
      expect(outputs).toEqual([
        { modelId: first.modelId, step: 0 },
        { modelId: second.modelId, step: 5 },
      ]);
      expect(await codeOf(store().logOutputs(run.runId, [{ modelId: absentModel, step: 0 }]))).toBe('NOT_FOUND');
      expect(await codeOf(store().logOutputs('0123456789abcdef0123456789abcdef', [{ modelId: first.modelId, step: 0 }]))).toBe('NOT_FOUND');
      expect((await store().getRun(run.runId)).outputs).toHaveLength(2);
    });

    it('links metric points logged for a model, and the run keeps one copy of each point', async () => {
      const run = await store().createRun({ experimentId });
      const model = await store().createLoggedModel({ experimentId, sourceRunId: run.runId });
      const { modelId } = model;
      await store().logBatch(run.runId, { metrics: [{ key: 'acc', value: 0.9, timestamp: 1000, step: 1 }] });
      // What MLflow's log_model sends: the run's points at the model's step again, bound to the model.
      const linked = [
        { key: 'acc', value: 0.9, timestamp: 1000, step: 1, modelId },
        { key: 'loss', value: 0.25, timestamp: 1000, step: 1, modelId, datasetName: 'test', datasetDigest: 'abc' },
      ];
      await store().logBatch(run.runId, { metrics: linked });
      await store().logBatch(run.runId, { metrics: linked });
      expect((await store().getMetricHistory(run.runId, 'acc')).items).toHaveLength(1);
      expect((await store().getMetricHistory(run.runId, 'loss')).items).toHaveLength(1);
      expect((await store().getLoggedModel(modelId)).metrics).toEqual([
        { key: 'acc', value: 0.9, timestamp: 1000, step: 1, runId: run.runId },
        { key: 'loss', value: 0.25, timestamp: 1000, step: 1, runId: run.runId, datasetName: 'test', datasetDigest: 'abc' },
      ]);

      const absent = [
        { key: 'other', value: 1, timestamp: 1, step: 0 },
        { key: 'x', value: 1, timestamp: 1, step: 0, modelId: absentModel },
      ];
      expect(await codeOf(store().logBatch(run.runId, { metrics: absent }))).toBe('NOT_FOUND');
      expect((await store().getRun(run.runId)).metrics.other).toBeUndefined();

      const found = (filter: string, datasets?: { datasetName: string }[]) =>
        store()
          .searchLoggedModels({ experimentIds: [experimentId], filter, ...(datasets ? { datasets } : {}) })
          .then((page) => page.items.map((item) => item.modelId));
      expect(await found('metrics.acc > 0.5')).toEqual([modelId]);
      expect(await found('metrics.acc > 0.95')).toEqual([]);
      expect(await found('metrics.loss < 1', [{ datasetName: 'test' }])).toEqual([modelId]);
      expect(await found('metrics.loss < 1', [{ datasetName: 'train' }])).toEqual([]);
    });

    describe('search', () => {
      let searchExperiment: string;
      const models: LoggedModel[] = [];
      beforeAll(async () => {
        searchExperiment = (await store().createExperiment({ name: unique('model-search') })).experimentId;
        for (const [index, name] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
          models.push(
            await store().createLoggedModel({
              experimentId: searchExperiment,
              name,
              modelType: index % 2 === 0 ? 'Agent' : 'Classifier',
              params: { index: String(index) },
              tags: { team: index < 2 ? 'a' : 'b' },
            }),
          );
        }
        await store().finalizeLoggedModel(models[1]!.modelId, 'READY');
      });
      const names = (page: { items: LoggedModel[] }) => page.items.map((model) => model.name);
      const search = (filter?: string) => store().searchLoggedModels({ experimentIds: [searchExperiment], ...(filter ? { filter } : {}) });

      it('lists an experiment’s models newest first by default', async () => {
        const page = await search();
        expect(names(page).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
        const times = page.items.map((model) => model.creationTimestamp);
        expect(times).toEqual([...times].sort((a, b) => b - a));
      });

      it('filters on attributes, params and tags', async () => {
        expect(names(await search("name = 'beta'"))).toEqual(['beta']);
        expect(names(await search("name LIKE 'g%'"))).toEqual(['gamma']);
        expect(names(await search("model_type = 'Agent' AND params.index = '2'"))).toEqual(['gamma']);
        expect(names(await search("tags.team IN ('b')")).sort()).toEqual(['delta', 'gamma']);
        expect(names(await search("status = 'READY'"))).toEqual(['beta']);
        expect(names(await search(`creation_timestamp >= ${models[0]!.creationTimestamp} AND tags.team != 'b'`)).sort()).toEqual([
          'alpha',
          'beta',
        ]);
      });

      it('orders by an attribute and pages without repeats', async () => {
        const seen: string[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store().searchLoggedModels({
            experimentIds: [searchExperiment],
            orderBy: [{ fieldName: 'name', ascending: true }],
            maxResults: 3,
            ...(pageToken ? { pageToken } : {}),
          });
          seen.push(...names(page));
          pageToken = page.nextPageToken;
        } while (pageToken);
        expect(seen).toEqual(['alpha', 'beta', 'delta', 'gamma']);
      });

      it('reports a malformed filter or order as INVALID_ARGUMENT', async () => {
        expect(await codeOf(search('name = '))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(search("colour = 'red'"))).toBe('INVALID_ARGUMENT');
        expect(await codeOf(search("metrics.acc > 'high'"))).toBe('INVALID_ARGUMENT');
        expect(
          await codeOf(store().searchLoggedModels({ experimentIds: [searchExperiment], orderBy: [{ fieldName: 'params.index' }] })),
        ).toBe('INVALID_ARGUMENT');
      });
    });
  });
}
