import { randomUUID } from 'node:crypto';
import { MlpError } from '@mlp/core';
import { type DatasetInput, type Experiment, type Metric, type Run, runStatuses, systemTags, type TrackingPage } from '../../model.js';
import { assertSummaryInput, summarizePoints } from '../../store/metric-summary.js';
import type {
  CreateExperimentInput,
  CreateRunInput,
  LogBatchInput,
  MetricHistoryInput,
  SearchExperimentsInput,
  SearchRunsInput,
  TrackingStore,
  UpdateRunInput,
} from '../../store/tracking-store.js';
import { assertLogBatch } from '../../validate-names.js';

interface StoredRun {
  run: Run;
  history: Map<string, Metric[]>;
  heartbeats: number;
  heartbeatTimeoutMs: number | undefined;
}

/** Test hooks of the in-memory store: what the SDK sent, and ways to make the store slow or fail. */
export interface MemoryTrackingStore extends TrackingStore {
  /** Every logBatch call that succeeded, in order. */
  readonly batches: Array<{ runId: string } & Required<LogBatchInput>>;
  /** The next `count` logBatch calls reject with `error` (after the gate, before any write). */
  failNextBatches(error: Error, count?: number): void;
  /** Holds every logBatch until the returned function is called. */
  holdBatches(): () => void;
  /** How many heartbeats a run received. */
  heartbeatCount(runId: string): number;
  /** The heartbeat timeout a run was created with. */
  heartbeatTimeout(runId: string): number | undefined;
}

function page<T>(items: T[], input: { maxResults?: number; pageToken?: string }, max = 1000): TrackingPage<T> {
  const start = input.pageToken ? Number(input.pageToken) : 0;
  const size = input.maxResults ?? max;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, nextPageToken: String(start + size) } : { items: slice };
}

/** Latest point of a key as MLflow picks it: the highest step, then timestamp, then value. */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value || (Number.isNaN(b.value) && !Number.isNaN(a.value));
}

async function unsupported(): Promise<never> {
  throw new MlpError('FAILED_PRECONDITION', 'The in-memory test store keeps no logged models: test them against the SQL store.');
}

/**
 * A TrackingStore in memory, for unit tests of the SDK only: search ignores filters it cannot run
 * (it rejects them), and nothing survives the process.
 */
export function createMemoryTrackingStore(): MemoryTrackingStore {
  const experiments = new Map<string, Experiment>();
  const runs = new Map<string, StoredRun>();
  const batches: MemoryTrackingStore['batches'] = [];
  let nextExperimentId = 0;
  let failures: { error: Error; count: number } | undefined;
  let gate: Promise<void> | undefined;

  function experiment(id: string): Experiment {
    const found = experiments.get(id);
    if (!found) throw new MlpError('NOT_FOUND', `No experiment with id ${id}.`);
    return found;
  }
  function stored(runId: string): StoredRun {
    const found = runs.get(runId);
    if (!found) throw new MlpError('NOT_FOUND', `No run with id ${runId}.`);
    return found;
  }
  const copy = (run: Run): Run => structuredClone(run);

  return {
    kind: 'memory',
    batchLimits: { metrics: 1000, params: 100, tags: 100, total: 1000 },
    batches,

    failNextBatches(error, count = 1) {
      failures = { error, count };
    },
    holdBatches() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    heartbeatCount: (runId) => stored(runId).heartbeats,
    heartbeatTimeout: (runId) => stored(runId).heartbeatTimeoutMs,

    async createExperiment(input: CreateExperimentInput) {
      if ([...experiments.values()].some((e) => e.name === input.name)) {
        throw new MlpError('ALREADY_EXISTS', `An experiment named ${input.name} already exists.`);
      }
      const experimentId = String(++nextExperimentId);
      const now = Date.now();
      const created: Experiment = {
        experimentId,
        name: input.name,
        artifactLocation: input.artifactLocation ?? `mlflow-artifacts:/${experimentId}`,
        lifecycleStage: 'active',
        creationTime: now,
        lastUpdateTime: now,
        tags: { ...input.tags },
      };
      experiments.set(experimentId, created);
      return structuredClone(created);
    },
    getExperiment: async (id) => structuredClone(experiment(id)),
    async getExperimentByName(name) {
      const found = [...experiments.values()].find((e) => e.name === name);
      return found && structuredClone(found);
    },
    async searchExperiments(input: SearchExperimentsInput = {}) {
      if (input.filter?.trim() || input.orderBy?.length) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          'The in-memory test store searches experiments by nameContains only; use the SQL store for filters.',
        );
      }
      const view = input.viewType ?? 'ACTIVE_ONLY';
      const items = [...experiments.values()].filter(
        (e) =>
          (view === 'ALL' || (view === 'ACTIVE_ONLY') === (e.lifecycleStage === 'active')) &&
          (!input.nameContains || e.name.toLowerCase().includes(input.nameContains.toLowerCase())),
      );
      return page(
        items.map((e) => structuredClone(e)),
        input,
      );
    },
    async renameExperiment(id, newName) {
      experiment(id).name = newName;
    },
    async deleteExperiment(id) {
      experiment(id).lifecycleStage = 'deleted';
    },
    async restoreExperiment(id) {
      experiment(id).lifecycleStage = 'active';
    },
    async setExperimentTag(id, key, value) {
      experiment(id).tags[key] = value;
    },
    async deleteExperimentTag(id, key) {
      const { tags } = experiment(id);
      if (!(key in tags)) throw new MlpError('NOT_FOUND', `No tag with name: ${key} in experiment with id ${id}.`);
      delete tags[key];
    },

    async createRun(input: CreateRunInput) {
      const parent = experiment(input.experimentId);
      if (parent.lifecycleStage !== 'active') throw new MlpError('FAILED_PRECONDITION', `Experiment ${input.experimentId} is deleted.`);
      if (input.parentRunId) stored(input.parentRunId);
      const runId = randomUUID().replaceAll('-', '');
      const tags = { ...input.tags };
      const name = input.name ?? tags[systemTags.runName] ?? `run-${runId.slice(0, 8)}`;
      tags[systemTags.runName] = name;
      if (input.parentRunId) tags[systemTags.parentRunId] = input.parentRunId;
      const run: Run = {
        runId,
        name,
        experimentId: input.experimentId,
        userId: input.userId ?? '',
        status: 'RUNNING',
        startTime: input.startTime ?? Date.now(),
        endTime: null,
        artifactUri: `${parent.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
        lifecycleStage: 'active',
        parentRunId: input.parentRunId ?? null,
        params: {},
        metrics: {},
        tags,
        inputs: [],
      };
      runs.set(runId, { run, history: new Map(), heartbeats: 0, heartbeatTimeoutMs: input.heartbeatTimeoutMs });
      return copy(run);
    },
    getRun: async (runId) => copy(stored(runId).run),
    async updateRun(runId, input: UpdateRunInput) {
      const { run } = stored(runId);
      if (input.status !== undefined && !runStatuses.includes(input.status))
        throw new MlpError('INVALID_ARGUMENT', `Bad status ${input.status}.`);
      if (input.status) run.status = input.status;
      if (input.endTime !== undefined) run.endTime = input.endTime;
      if (input.name !== undefined) {
        run.name = input.name;
        run.tags[systemTags.runName] = input.name;
      }
      return copy(run);
    },
    async deleteRun(runId) {
      stored(runId).run.lifecycleStage = 'deleted';
    },
    async restoreRun(runId) {
      stored(runId).run.lifecycleStage = 'active';
    },
    async logBatch(runId, batch) {
      await gate;
      if (failures) {
        const { error } = failures;
        if (--failures.count <= 0) failures = undefined;
        throw error;
      }
      const target = stored(runId);
      assertLogBatch(batch);
      for (const param of batch.params ?? []) {
        const earlier = target.run.params[param.key];
        if (earlier !== undefined && earlier !== param.value) {
          throw new MlpError('INVALID_ARGUMENT', `Param ${param.key} already has value ${earlier}; params are write-once.`);
        }
      }
      for (const param of batch.params ?? []) target.run.params[param.key] = param.value;
      for (const tag of batch.tags ?? []) target.run.tags[tag.key] = tag.value;
      for (const metric of batch.metrics ?? []) {
        const point = { ...metric };
        let history = target.history.get(metric.key);
        if (!history) {
          history = [];
          target.history.set(metric.key, history);
        }
        history.push(point);
        const latest = target.run.metrics[metric.key];
        if (!latest || isLater(point, latest)) {
          target.run.metrics[metric.key] = point;
        }
      }
      batches.push({ runId, metrics: [...(batch.metrics ?? [])], params: [...(batch.params ?? [])], tags: [...(batch.tags ?? [])] });
    },
    async deleteTag(runId, key) {
      delete stored(runId).run.tags[key];
    },
    async logInputs(runId, datasets: DatasetInput[]) {
      stored(runId).run.inputs.push(...structuredClone(datasets));
    },
    async getMetricHistory(runId, key, input: MetricHistoryInput = {}) {
      return page(structuredClone(stored(runId).history.get(key) ?? []), input, 1000);
    },
    async summarizeMetricHistories(series, options) {
      assertSummaryInput(series, options);
      return series.map(({ runId, key }) => ({
        runId,
        key,
        ...summarizePoints(structuredClone(stored(runId).history.get(key) ?? []), options.buckets),
      }));
    },
    async searchRuns(input: SearchRunsInput) {
      if (input.filter || input.orderBy?.length)
        throw new MlpError('INVALID_ARGUMENT', 'The memory store does not run filters or orderings.');
      const view = input.viewType ?? 'ACTIVE_ONLY';
      const items = [...runs.values()]
        .map((entry) => entry.run)
        .filter(
          (run) =>
            input.experimentIds.includes(run.experimentId) &&
            (view === 'ALL' || (view === 'ACTIVE_ONLY') === (run.lifecycleStage === 'active')),
        )
        .sort((a, b) => b.startTime - a.startTime);
      return page(items.map(copy), input);
    },
    async heartbeat(runId) {
      stored(runId).heartbeats++;
    },

    // The SDK does not log models yet: these exist to satisfy the interface.
    logOutputs: unsupported,
    createLoggedModel: unsupported,
    getLoggedModel: unsupported,
    finalizeLoggedModel: unsupported,
    deleteLoggedModel: unsupported,
    setLoggedModelTags: unsupported,
    deleteLoggedModelTag: unsupported,
    logLoggedModelParams: unsupported,
    searchLoggedModels: unsupported,
  };
}
