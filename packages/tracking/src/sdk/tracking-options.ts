import { MlpError } from '@mlp/core';
import type { BatchLimits, TrackingStore } from '../store/tracking-store.js';
import type { DatasetLineage } from './dataset-lineage.js';

export type { BatchLimits } from '../store/tracking-store.js';

export interface TrackingOptions {
  /** Where runs go; the SQL store on the workspace database by default. */
  store?: TrackingStore;
  /** Buffered values are sent at least this often (ms). Default 1000. */
  flushIntervalMs?: number;
  /** Per-batch limits; default and maximum are the store's (`store.batchLimits`): MLflow's for the REST store, larger for SQL. */
  maxBatchSize?: Partial<BatchLimits>;
  /** Metric points a run buffers before `logMetric` returns a promise to wait on (backpressure). Default 100,000. */
  maxBufferedPoints?: number;
  /** How often a running run heartbeats (ms). Default 10 s, or `MLP_TRACKING_HEARTBEAT_INTERVAL_MS`. */
  heartbeatIntervalMs?: number;
  /** Silence after which readers mark a running run FAILED (ms). Default 60 s, or `MLP_TRACKING_HEARTBEAT_TIMEOUT_MS`. */
  heartbeatTimeoutMs?: number;
  /** Record git, script, Node, OS, host and package versions as system tags. Default true. */
  captureProvenance?: boolean;
  /** On SIGINT/SIGTERM, flush active runs and end them KILLED before exiting. Default true. */
  handleSignals?: boolean;
  /** Who runs are started by (`user_id`, `mlflow.user`): `currentActor()` of `@mlp/core` (`MLP_USER`, else the OS user) by default. */
  user?: string;
  /** Environment to read `MLP_TRACKING_*` variables (and `MLP_USER`) from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** A dataset catalog's lineage (such as @mlp/data-version's), for `datasets` and `run.useDataset`. */
  lineage?: DatasetLineage;
}

export interface ResolvedTrackingOptions {
  flushIntervalMs: number;
  /** The caller's limits; each run takes the smaller of these and its store's. */
  batch: Partial<BatchLimits>;
  maxBufferedPoints: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  captureProvenance: boolean;
  handleSignals: boolean;
}

export const trackingEnvVariables = {
  heartbeatIntervalMs: 'MLP_TRACKING_HEARTBEAT_INTERVAL_MS',
  heartbeatTimeoutMs: 'MLP_TRACKING_HEARTBEAT_TIMEOUT_MS',
} as const;

function positiveInteger(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new MlpError('INVALID_ARGUMENT', `Tracking option ${name} must be an integer from 1 to ${max}, not ${String(value)}.`);
  }
  return value;
}

function fromEnv(env: Record<string, string | undefined>, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value <= 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The environment variable ${variable}=${JSON.stringify(raw)} is not a positive whole number of milliseconds. Fix or unset it.`,
      { details: { variable } },
    );
  }
  return value;
}

/** Options as the SDK uses them: explicit options, then environment variables, then defaults. */
export function resolveTrackingOptions(options: TrackingOptions = {}): ResolvedTrackingOptions {
  const env = options.env ?? process.env;
  const limits = options.maxBatchSize ?? {};
  const batch: Partial<BatchLimits> = {};
  for (const key of ['metrics', 'params', 'tags', 'total'] as const) {
    if (limits[key] !== undefined) batch[key] = positiveInteger(`maxBatchSize.${key}`, limits[key]);
  }
  const heartbeatIntervalMs = positiveInteger(
    'heartbeatIntervalMs',
    options.heartbeatIntervalMs ?? fromEnv(env, trackingEnvVariables.heartbeatIntervalMs) ?? 10_000,
  );
  const heartbeatTimeoutMs = positiveInteger(
    'heartbeatTimeoutMs',
    options.heartbeatTimeoutMs ?? fromEnv(env, trackingEnvVariables.heartbeatTimeoutMs) ?? 60_000,
  );
  // A timeout within one interval would fail healthy runs between two heartbeats.
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The heartbeat timeout (${heartbeatTimeoutMs} ms) must be longer than the heartbeat interval (${heartbeatIntervalMs} ms); a few intervals is usual.`,
    );
  }
  return {
    flushIntervalMs: positiveInteger('flushIntervalMs', options.flushIntervalMs ?? 1000),
    batch,
    maxBufferedPoints: positiveInteger('maxBufferedPoints', options.maxBufferedPoints ?? 100_000),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    captureProvenance: options.captureProvenance ?? true,
    handleSignals: options.handleSignals ?? true,
  };
}

/** The batch limits a run uses: the caller's, capped by what its store accepts. */
export function effectiveBatchLimits(requested: Partial<BatchLimits>, store: BatchLimits): BatchLimits {
  return {
    metrics: Math.min(requested.metrics ?? store.metrics, store.metrics),
    params: Math.min(requested.params ?? store.params, store.params),
    tags: Math.min(requested.tags ?? store.tags, store.tags),
    total: Math.min(requested.total ?? store.total, store.total),
  };
}
