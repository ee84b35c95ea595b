import type { Readable } from 'node:stream';
import { currentActor, MlpError, type Workspace } from '@mlp/core';
import { type DatasetInput, type Metric, type Run, systemTags, type TrackingPage } from '../model.js';
import { openSqlTrackingStore } from '../store/sql-tracking-store.js';
import type { CreateRunInput, SearchRunsInput, TrackingStore } from '../store/tracking-store.js';
import {
  assertCreateExperiment,
  assertCreateRun,
  assertDatasetInputs,
  assertParamValue,
  assertRunName,
  assertTagValue,
  assertTrackingKey,
} from '../validate-names.js';
import { type ActiveRun, createActiveRun, type ParamValue, type TagValue, toParamString, toTagString } from './active-run.js';
import { type ArtifactInfo, artifactKeyPrefix, listArtifactsAt, normaliseArtifactPath, openArtifact } from './artifacts.js';
import { compareRuns, type RunComparison } from './compare-runs.js';
import type { DatasetUse } from './dataset-lineage.js';
import { captureProvenance } from './provenance.js';
import { resolveTrackingOptions, type TrackingOptions } from './tracking-options.js';

/** What the SDK needs of a workspace: its blob store and logger, and its database for the default store. */
export type TrackingWorkspace = Pick<Workspace, 'blobs' | 'logger' | 'db' | 'migrate'>;

export interface StartRunOptions {
  /** Experiment name or id; an unknown name is created. Default `Default`. */
  experiment?: string;
  /** The run's name; the store picks one when absent. */
  name?: string;
  params?: Record<string, ParamValue>;
  tags?: Record<string, TagValue>;
  /** The parent of a nested run: a run handle or a run id. */
  parent?: ActiveRun | string;
  /** Dataset inputs to record as given (MLflow's log-inputs). */
  inputs?: DatasetInput[];
  /**
   * Dataset versions the run uses, such as `flights@latest`: pinned and recorded in the catalog's
   * lineage and as run inputs (see `ActiveRun.useDataset`). Needs `lineage` in the tracking options.
   */
  datasets?: Array<DatasetUse | string>;
}

export interface Tracking {
  /** Creates a run (and its experiment when missing) and returns the handle to log to it. */
  startRun(options?: StartRunOptions): Promise<ActiveRun>;
  /**
   * Runs `fn` with a new run and ends it: FINISHED when `fn` resolves, FAILED (with the error as
   * `mlp.failure_reason`) when it throws, and the error is rethrown. The way to get FAILED on an
   * exception, which `await using` cannot see.
   */
  withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T> | T): Promise<T>;
  /**
   * Reopens an existing run to log more to it, as MLflow's `start_run(run_id=...)` does: its status
   * goes back to RUNNING until `end`. How an interrupted hyper-parameter search resumes its parent run.
   */
  resumeRun(runId: string): Promise<ActiveRun>;
  getRun(runId: string): Promise<Run>;
  searchRuns(input: SearchRunsInput): Promise<TrackingPage<Run>>;
  /** Params and latest metrics of runs side by side, keys sorted, differing params listed. */
  compare(runIds: string[]): Promise<RunComparison>;
  /** Every point of one metric of a run, all pages read. */
  metricHistory(runId: string, key: string): Promise<Metric[]>;
  /** Files and folders directly under `path` (the run's artifact root by default). */
  listArtifacts(runId: string, path?: string): Promise<ArtifactInfo[]>;
  /** A stream of one artifact's bytes. */
  downloadArtifact(runId: string, path: string): Promise<Readable>;
  /** Closes the store this SDK opened itself (not one passed in). Active runs are not ended. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function validateStartOptions(options: StartRunOptions): { params: Record<string, string>; tags: Record<string, string> } {
  if (options.name !== undefined) assertRunName(options.name);
  if (options.inputs) assertDatasetInputs(options.inputs);
  const params: Record<string, string> = {};
  for (const [key, raw] of Object.entries(options.params ?? {})) {
    assertTrackingKey('param', key);
    params[key] = toParamString(key, raw);
    assertParamValue(key, params[key]);
  }
  const tags: Record<string, string> = {};
  for (const [key, raw] of Object.entries(options.tags ?? {})) {
    assertTrackingKey('tag', key);
    tags[key] = toTagString(key, raw);
    assertTagValue(key, tags[key]);
  }
  return { params, tags };
}

function isCode(error: unknown, code: string): boolean {
  return MlpError.isInstance(error) && error.code === code;
}

/**
 * The tracking SDK on a workspace. Runs go to the SQL store on the workspace database unless
 * `options.store` names another (such as the MLflow REST client); artifacts go to the workspace blob store.
 */
export function createTracking(workspace: TrackingWorkspace, options: TrackingOptions = {}): Tracking {
  const resolved = resolveTrackingOptions(options);
  const user = currentActor({ actor: options.user, env: options.env });
  const { blobs, logger } = workspace;
  const ownsStore = options.store === undefined;
  let storePromise: Promise<TrackingStore> | undefined = options.store ? Promise.resolve(options.store) : undefined;
  // The SQL store applies migrations when created, so it is opened at first use and the factory stays synchronous.
  const store = () => {
    // The SDK batches far beyond MLflow's per-request limits: one transaction per 20,000 points.
    storePromise ??= openSqlTrackingStore(workspace, { enforceBatchLimits: false });
    return storePromise;
  };
  let provenance: Promise<Record<string, string>> | undefined;
  const experimentIds = new Map<string, string>();

  async function resolveExperiment(target: TrackingStore, reference: string): Promise<string> {
    const known = experimentIds.get(reference);
    if (known !== undefined) return known;
    let id = (await target.getExperimentByName(reference))?.experimentId;
    if (id === undefined && /^\d+$/.test(reference)) {
      id = await target.getExperiment(reference).then(
        (experiment) => experiment.experimentId,
        (error: unknown) => {
          if (isCode(error, 'NOT_FOUND')) return undefined;
          throw error;
        },
      );
    }
    if (id === undefined) {
      const create = { name: reference };
      assertCreateExperiment(create);
      try {
        id = (await target.createExperiment(create)).experimentId;
      } catch (error) {
        // Another process created it between our lookup and our create.
        const raced = isCode(error, 'ALREADY_EXISTS') ? await target.getExperimentByName(reference) : undefined;
        if (!raced) throw error;
        id = raced.experimentId;
      }
    }
    experimentIds.set(reference, id);
    return id;
  }

  async function runPrefix(runId: string): Promise<string> {
    const run = await (await store()).getRun(runId);
    return artifactKeyPrefix(run.runId, run.artifactUri);
  }

  const close = async (): Promise<void> => {
    if (ownsStore && storePromise) await (await storePromise.catch(() => undefined))?.close?.();
  };

  const tracking: Tracking = {
    async startRun(startOptions: StartRunOptions = {}) {
      const { params, tags } = validateStartOptions(startOptions);
      const target = await store();
      provenance ??= resolved.captureProvenance ? captureProvenance({ user }) : Promise.resolve({});
      const [experimentId, systemTagValues] = await Promise.all([
        resolveExperiment(target, startOptions.experiment ?? 'Default'),
        provenance,
      ]);
      const parent = startOptions.parent;
      const create: CreateRunInput = {
        experimentId,
        ...(startOptions.name === undefined ? {} : { name: startOptions.name }),
        userId: user,
        ...(parent === undefined ? {} : { parentRunId: typeof parent === 'string' ? parent : parent.runId }),
        tags: { ...systemTagValues, ...(startOptions.name === undefined ? {} : { [systemTags.runName]: startOptions.name }), ...tags },
        heartbeatTimeoutMs: resolved.heartbeatTimeoutMs,
      };
      // The same check the server's runs/create makes, so a run the SDK starts holds what MLflow would.
      assertCreateRun(create);
      const run = await target.createRun(create);
      let handle: ActiveRun | undefined;
      try {
        if (startOptions.inputs?.length) await target.logInputs(run.runId, startOptions.inputs);
        handle = createActiveRun(run, {
          store: target,
          blobs,
          logger,
          options: resolved,
          ...(options.lineage ? { lineage: options.lineage } : {}),
        });
        for (const use of startOptions.datasets ?? []) await handle.useDataset(use);
        if (Object.keys(params).length > 0) {
          handle.logParams(params);
          await handle.flush();
        }
        return handle;
      } catch (error) {
        // A run that could not be set up is ended FAILED, not left RUNNING until its heartbeat times out.
        await (handle ? handle.end('FAILED') : target.updateRun(run.runId, { status: 'FAILED', endTime: Date.now() })).catch(() => {});
        throw error;
      }
    },

    async withRun(startOptions, fn) {
      const run = await tracking.startRun(startOptions);
      let result: Awaited<ReturnType<typeof fn>>;
      try {
        result = await fn(run);
      } catch (error) {
        run.fail(error);
        await run.end('FAILED').catch((endError: unknown) => {
          logger.error({ runId: run.runId, err: endError }, `Could not end run ${run.runId} FAILED.`);
        });
        throw error;
      }
      await run.end();
      return result;
    },

    async resumeRun(runId) {
      const target = await store();
      const run = await target.getRun(runId);
      if (run.lifecycleStage === 'deleted')
        throw new MlpError('FAILED_PRECONDITION', `Run ${runId} is deleted; restore it before resuming it.`);
      const reopened = run.status === 'RUNNING' ? run : await target.updateRun(runId, { status: 'RUNNING' });
      return createActiveRun(reopened, {
        store: target,
        blobs,
        logger,
        options: resolved,
        ...(options.lineage ? { lineage: options.lineage } : {}),
      });
    },

    getRun: async (runId) => (await store()).getRun(runId),
    searchRuns: async (input) => (await store()).searchRuns(input),

    async compare(runIds) {
      const unique = [...new Set(runIds)];
      if (unique.length === 0) throw new MlpError('INVALID_ARGUMENT', 'Name at least one run to compare.');
      const target = await store();
      return compareRuns(await Promise.all(unique.map((runId) => target.getRun(runId))));
    },

    async metricHistory(runId, key) {
      const target = await store();
      const points: Metric[] = [];
      let pageToken: string | undefined;
      do {
        const page = await target.getMetricHistory(runId, key, pageToken === undefined ? {} : { pageToken });
        for (const point of page.items) points.push(point);
        pageToken = page.nextPageToken;
      } while (pageToken !== undefined);
      return points;
    },

    async listArtifacts(runId, path = '') {
      const artifactPath = normaliseArtifactPath(path);
      return listArtifactsAt(blobs, await runPrefix(runId), artifactPath);
    },

    async downloadArtifact(runId, path) {
      const artifactPath = normaliseArtifactPath(path);
      return openArtifact(blobs, await runPrefix(runId), runId, artifactPath);
    },

    close,
    [Symbol.asyncDispose]: close,
  };
  return tracking;
}
