import { MlpError } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingStore } from '../store/tracking-store.js';
import { describeLoggedModels } from './logged-model-contract.js';
import { describeMetricSummaries } from './metric-summary-contract.js';

export interface TrackingStoreHarness {
  store: TrackingStore;
  cleanup?(): Promise<void>;
}

export interface TrackingStoreContractOptions {
  /** Whether readers fail RUNNING runs whose heartbeat stopped (MLflow's REST API has no heartbeats). */
  heartbeats?: boolean;
}

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

/** What every tracking store must do, whatever it stores in. */
export function runTrackingStoreContract(
  name: string,
  createHarness: () => Promise<TrackingStoreHarness>,
  options: TrackingStoreContractOptions = {},
): void {
  describe(`tracking store contract: ${name}`, () => {
    let harness: TrackingStoreHarness;
    let store: TrackingStore;
    beforeAll(async () => {
      harness = await createHarness();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.store.close?.();
      await harness?.cleanup?.();
    });

    describe('experiments', () => {
      it('has a Default experiment with id 0', async () => {
        const experiment = await store.getExperiment('0');
        expect(experiment.name).toBe('Default');
        expect(experiment.lifecycleStage).toBe('active');
      });

      it('creates, finds by id and name, renames, tags, deletes and restores', async () => {
        const name = unique('exp');
        const created = await store.createExperiment({ name, tags: { team: 'ml' } });
        expect(created).toMatchObject({ name, lifecycleStage: 'active', tags: { team: 'ml' } });
        expect(created.artifactLocation).toContain(created.experimentId);
        expect((await store.getExperimentByName(name))?.experimentId).toBe(created.experimentId);
        expect(await store.getExperimentByName(unique('absent'))).toBeUndefined();

        const renamed = unique('renamed');
        await store.renameExperiment(created.experimentId, renamed);
        await store.setExperimentTag(created.experimentId, 'owner', 'ana');
        expect(await store.getExperiment(created.experimentId)).toMatchObject({ name: renamed, tags: { team: 'ml', owner: 'ana' } });
        await store.setExperimentTag(created.experimentId, 'gone', 'soon');
        await store.deleteExperimentTag(created.experimentId, 'gone');
        expect((await store.getExperiment(created.experimentId)).tags).toEqual({ team: 'ml', owner: 'ana' });
        expect(await codeOf(store.deleteExperimentTag(created.experimentId, 'gone'))).toBe('NOT_FOUND');

        await store.deleteExperiment(created.experimentId);
        const active = await store.searchExperiments({ maxResults: 50_000 });
        expect(active.items.map((experiment) => experiment.experimentId)).not.toContain(created.experimentId);
        const deleted = await store.searchExperiments({ viewType: 'DELETED_ONLY', maxResults: 50_000 });
        expect(deleted.items.map((experiment) => experiment.experimentId)).toContain(created.experimentId);
        expect(await codeOf(store.createRun({ experimentId: created.experimentId }))).toBe('FAILED_PRECONDITION');
        await store.restoreExperiment(created.experimentId);
        expect((await store.getExperiment(created.experimentId)).lifecycleStage).toBe('active');
      });

      it('refuses a taken name and unknown ids', async () => {
        const name = unique('taken');
        await store.createExperiment({ name });
        expect(await codeOf(store.createExperiment({ name }))).toBe('ALREADY_EXISTS');
        expect(await codeOf(store.getExperiment('987654321'))).toBe('NOT_FOUND');
      });

      it('pages through experiments without repeats', async () => {
        const prefix = unique('paged');
        for (let i = 0; i < 5; i++) await store.createExperiment({ name: `${prefix}-${i}` });
        const seen: string[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store.searchExperiments({ nameContains: prefix, maxResults: 2, ...(pageToken ? { pageToken } : {}) });
          seen.push(...page.items.map((experiment) => experiment.name));
          pageToken = page.nextPageToken;
        } while (pageToken);
        expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));
      });
    });

    describe('runs', () => {
      let experimentId: string;
      beforeAll(async () => {
        experimentId = (await store.createExperiment({ name: unique('runs') })).experimentId;
      });

      it('creates a RUNNING run with its name tag, ends it, deletes and restores it', async () => {
        const run = await store.createRun({ experimentId, name: 'first', startTime: 1_700_000_000_000, tags: { stage: 'dev' } });
        expect(run).toMatchObject({
          name: 'first',
          status: 'RUNNING',
          startTime: 1_700_000_000_000,
          endTime: null,
          lifecycleStage: 'active',
          experimentId,
        });
        expect(run.runId).toMatch(/^[0-9a-f]{32}$/);
        expect(run.tags).toMatchObject({ stage: 'dev', 'mlflow.runName': 'first' });
        expect(run.artifactUri).toContain(run.runId);

        const ended = await store.updateRun(run.runId, { status: 'FINISHED', endTime: 1_700_000_500_000 });
        expect(ended).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_500_000 });
        await store.deleteRun(run.runId);
        expect((await store.getRun(run.runId)).lifecycleStage).toBe('deleted');
        expect(await codeOf(store.logBatch(run.runId, { tags: [{ key: 'x', value: 'y' }] }))).toBe('FAILED_PRECONDITION');
        await store.restoreRun(run.runId);
        expect((await store.getRun(run.runId)).lifecycleStage).toBe('active');
      });

      it('keeps the run name and its mlflow.runName tag in step', async () => {
        const run = await store.createRun({ experimentId, name: 'before' });
        await store.logBatch(run.runId, { tags: [{ key: 'mlflow.runName', value: 'after' }] });
        expect((await store.getRun(run.runId)).name).toBe('after');
        const renamed = await store.updateRun(run.runId, { name: 'again' });
        expect(renamed.tags['mlflow.runName']).toBe('again');
      });

      it('nests runs under a parent', async () => {
        const parent = await store.createRun({ experimentId, name: 'parent' });
        const child = await store.createRun({ experimentId, name: 'child', parentRunId: parent.runId });
        expect(child.parentRunId ?? child.tags['mlflow.parentRunId']).toBe(parent.runId);
        expect(await codeOf(store.createRun({ experimentId, parentRunId: 'f'.repeat(32) }))).toBe('NOT_FOUND');
      });

      it('reports unknown runs as NOT_FOUND', async () => {
        expect(await codeOf(store.getRun('0'.repeat(32)))).toBe('NOT_FOUND');
        expect(await codeOf(store.logBatch('0'.repeat(32), { tags: [{ key: 'a', value: 'b' }] }))).toBe('NOT_FOUND');
      });

      it('logs params, metrics and tags in a batch and reads them back', async () => {
        const run = await store.createRun({ experimentId });
        await store.logBatch(run.runId, {
          params: [
            { key: 'lr', value: '0.01' },
            { key: 'layers', value: '3' },
          ],
          metrics: [
            { key: 'loss', value: 0.9, timestamp: 1000, step: 0 },
            { key: 'loss', value: 0.5, timestamp: 2000, step: 2 },
            { key: 'loss', value: 0.7, timestamp: 3000, step: 1 },
            { key: 'nan', value: Number.NaN, timestamp: 1000, step: 0 },
            { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1000, step: 0 },
            { key: 'neg inf', value: Number.NEGATIVE_INFINITY, timestamp: 1000, step: 0 },
          ],
          tags: [
            { key: 'note', value: 'a' },
            { key: 'note', value: 'b' },
          ],
        });
        const read = await store.getRun(run.runId);
        expect(read.params).toEqual({ lr: '0.01', layers: '3' });
        expect(read.metrics.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 2000, step: 2 });
        expect(read.metrics.nan?.value).toBeNaN();
        expect(read.metrics.inf?.value).toBe(Number.POSITIVE_INFINITY);
        expect(read.metrics['neg inf']?.value).toBe(Number.NEGATIVE_INFINITY);
        expect(read.tags.note).toBe('b');

        const history = await store.getMetricHistory(run.runId, 'loss');
        expect(history.items.map((point) => [point.step, point.value])).toEqual([
          [0, 0.9],
          [1, 0.7],
          [2, 0.5],
        ]);
      });

      it('keeps params write-once and applies a failing batch not at all', async () => {
        const run = await store.createRun({ experimentId });
        await store.logBatch(run.runId, { params: [{ key: 'seed', value: '1' }] });
        await store.logBatch(run.runId, { params: [{ key: 'seed', value: '1' }] });
        const code = await codeOf(
          store.logBatch(run.runId, {
            params: [{ key: 'seed', value: '2' }],
            metrics: [{ key: 'never', value: 1, timestamp: 1, step: 0 }],
            tags: [{ key: 'never', value: 'x' }],
          }),
        );
        expect(code).toBe('INVALID_ARGUMENT');
        const read = await store.getRun(run.runId);
        expect(read.params.seed).toBe('1');
        expect(read.metrics.never).toBeUndefined();
        expect(read.tags.never).toBeUndefined();
      });

      it('rejects invalid names, over-limit values, non-number metrics and oversized batches', async () => {
        const run = await store.createRun({ experimentId });
        const bad = [
          { params: [{ key: 'bad key!', value: 'x' }] },
          { params: [{ key: 'k'.repeat(251), value: 'x' }] },
          { params: [{ key: 'long', value: 'x'.repeat(6001) }] },
          { tags: [{ key: 'long', value: 'x'.repeat(8001) }] },
          { tags: [{ key: '../escape', value: 'x' }] },
          { metrics: [{ key: 'flag', value: true as unknown as number, timestamp: 1, step: 0 }] },
          { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })) },
        ];
        for (const batch of bad) expect(await codeOf(store.logBatch(run.runId, batch))).toBe('INVALID_ARGUMENT');
        await store.logBatch(run.runId, {
          params: [{ key: 'edge', value: 'x'.repeat(6000) }],
          tags: [{ key: 'edge', value: 'y'.repeat(8000) }],
        });
        expect((await store.getRun(run.runId)).params.edge).toHaveLength(6000);
      });

      it('deletes tags and records dataset inputs', async () => {
        const run = await store.createRun({ experimentId, tags: { temp: '1' } });
        await store.deleteTag(run.runId, 'temp');
        expect((await store.getRun(run.runId)).tags.temp).toBeUndefined();
        expect(await codeOf(store.deleteTag(run.runId, 'temp'))).toBe('NOT_FOUND');
        await store.logInputs(run.runId, [
          { name: 'flights', digest: 'abc123', sourceType: 'mlp', source: 'flights@3', context: 'training' },
        ]);
        expect((await store.getRun(run.runId)).inputs).toEqual([
          { name: 'flights', digest: 'abc123', sourceType: 'mlp', source: 'flights@3', context: 'training' },
        ]);
      });

      it('pages through a long metric history in order', async () => {
        const run = await store.createRun({ experimentId });
        for (let start = 0; start < 2500; start += 1000) {
          const metrics = Array.from({ length: 1000 }, (_, i) => ({
            key: 'long',
            value: start + i,
            timestamp: 1000,
            step: start + i,
          })).filter((m) => m.step < 2500);
          await store.logBatch(run.runId, { metrics });
        }
        const values: number[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store.getMetricHistory(run.runId, 'long', { maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
          values.push(...page.items.map((point) => point.value));
          pageToken = page.nextPageToken;
        } while (pageToken);
        expect(values).toEqual(Array.from({ length: 2500 }, (_, i) => i));
      });

      it('pages through points that share a step and timestamp without losing or repeating one', async () => {
        const run = await store.createRun({ experimentId });
        const metrics = Array.from({ length: 25 }, (_, i) => ({ key: 'tied', value: i, timestamp: 1000, step: 0 }));
        await store.logBatch(run.runId, { metrics });
        const values: number[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store.getMetricHistory(run.runId, 'tied', { maxResults: 10, ...(pageToken ? { pageToken } : {}) });
          values.push(...page.items.map((point) => point.value));
          pageToken = page.nextPageToken;
        } while (pageToken);
        expect(values.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      });

      it('keeps extreme values, steps and timestamps exactly', async () => {
        const run = await store.createRun({ experimentId });
        const points = [
          { value: Number.NEGATIVE_INFINITY, step: -3, timestamp: 0 },
          { value: -0.1, step: -1, timestamp: 1 },
          { value: Number.NaN, step: 0, timestamp: 2 ** 41 },
          { value: Number.MAX_VALUE, step: 2 ** 32, timestamp: 2 ** 41 + 1 },
          { value: Number.POSITIVE_INFINITY, step: Number.MAX_SAFE_INTEGER, timestamp: 2 ** 42 },
        ];
        await store.logBatch(run.runId, { metrics: points.map((point) => ({ key: 'edge', ...point })) });
        const page = await store.getMetricHistory(run.runId, 'edge');
        expect(page.items).toEqual(points.map((point) => ({ key: 'edge', ...point })));
        expect((await store.getRun(run.runId)).metrics.edge).toMatchObject({ step: Number.MAX_SAFE_INTEGER });
      });
    });

    describe('search', () => {
      let experimentId: string;
      const ids: Record<string, string> = {};
      beforeAll(async () => {
        experimentId = (await store.createExperiment({ name: unique('search') })).experimentId;
        const specs = [
          { name: 'a', model: 'mlp', rmse: 0.3, start: 1000 },
          { name: 'b', model: 'linear', rmse: 0.5, start: 2000 },
          { name: 'c', model: 'mlp', rmse: 0.1, start: 3000 },
          { name: 'd', model: 'mlp', rmse: Number.NaN, start: 4000 },
          { name: 'e', model: 'tree', rmse: undefined, start: 5000 },
        ];
        for (const spec of specs) {
          const run = await store.createRun({
            experimentId,
            name: spec.name,
            startTime: spec.start,
            tags: { family: spec.model === 'linear' ? 'glm' : 'nn' },
          });
          ids[spec.name] = run.runId;
          await store.logBatch(run.runId, {
            params: [{ key: 'model', value: spec.model }],
            metrics: spec.rmse === undefined ? [] : [{ key: 'rmse', value: spec.rmse, timestamp: spec.start, step: 0 }],
          });
        }
        await store.updateRun(ids.b as string, { status: 'FINISHED', endTime: 2500 });
      });

      const names = (runs: { runId: string }[]) => runs.map((run) => Object.entries(ids).find(([, id]) => id === run.runId)?.[0]);

      it('lists runs newest first by default', async () => {
        const page = await store.searchRuns({ experimentIds: [experimentId] });
        expect(names(page.items)).toEqual(['e', 'd', 'c', 'b', 'a']);
      });

      it('filters on metrics, params, tags and attributes', async () => {
        const by = async (filter: string, orderBy?: string[]) =>
          names((await store.searchRuns({ experimentIds: [experimentId], filter, ...(orderBy ? { orderBy } : {}) })).items);
        expect(await by('metrics.rmse < 0.4', ['metrics.rmse ASC'])).toEqual(['c', 'a']);
        expect(await by("params.model = 'mlp' and metrics.rmse >= 0.1", ['metrics.rmse DESC'])).toEqual(['a', 'c']);
        expect(await by("tags.family = 'glm'")).toEqual(['b']);
        expect(await by("attributes.status = 'FINISHED'")).toEqual(['b']);
        expect(await by("params.model LIKE 'ml%'")).toEqual(['d', 'c', 'a']);
        expect(await by(`attributes.run_id IN ('${ids.a}', '${ids.e}')`)).toEqual(['e', 'a']);
        expect(await by("params.model != 'mlp'")).toEqual(['e', 'b']);
      });

      it('orders by a metric with runs lacking it last, and pages without repeats', async () => {
        const all: string[] = [];
        let pageToken: string | undefined;
        do {
          const page = await store.searchRuns({
            experimentIds: [experimentId],
            orderBy: ['metrics.rmse ASC'],
            maxResults: 2,
            ...(pageToken ? { pageToken } : {}),
          });
          all.push(...(names(page.items) as string[]));
          pageToken = page.nextPageToken;
        } while (pageToken);
        expect(all.slice(0, 3)).toEqual(['c', 'a', 'b']);
        expect(new Set(all).size).toBe(5);
        expect(all.at(-1)).toBe('e');
      });

      it('reports a malformed filter with its position', async () => {
        const error = await store
          .searchRuns({ experimentIds: [experimentId], filter: 'metrics.rmse <> 1' })
          .catch((caught: unknown) => caught);
        expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
        expect((error as Error).message).toMatch(/position \d+/);
      });
    });

    describeLoggedModels(() => store);
    describeMetricSummaries(() => store);

    if (options.heartbeats !== false) {
      it('fails a RUNNING run whose heartbeat stopped, with the reason, when read', async () => {
        const experimentId = (await store.createExperiment({ name: unique('heartbeat') })).experimentId;
        const run = await store.createRun({ experimentId, heartbeatTimeoutMs: 200 });
        await store.heartbeat(run.runId);
        expect((await store.getRun(run.runId)).status).toBe('RUNNING');
        await new Promise((resolve) => setTimeout(resolve, 400));
        const read = await store.getRun(run.runId);
        expect(read.status).toBe('FAILED');
        expect(read.tags['mlp.failure_reason']).toMatch(/no heartbeat since/);
        expect(read.endTime).not.toBeNull();
      });
    }
  });
}
