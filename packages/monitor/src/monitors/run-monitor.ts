import { MlpError, type PluginRegistry, type PredictionLogReader, type Workspace } from '@mlp/core';
import type { AlertObservation } from '../alerts/alert-rules.js';
import { openAlertStore } from '../alerts/alert-store.js';
import { checkDataQuality } from '../data-quality/data-quality.js';
import type { DriftResult } from '../drift/detect-drift.js';
import { DatasetProfile } from '../profile/dataset-profile.js';
import { predictionRows } from '../profile/prediction-rows.js';
import { detectProfileDrift } from '../profile/profile-drift.js';
import { type MonitorMetrics, recordDriftMetrics } from '../prometheus/monitor-metrics.js';
import { detectFileDrift } from '../read/file-drift.js';
import { openProfileStore } from '../store/profile-store.js';
import { qualityObservations, windowQuality } from './monitor-quality.js';
import { loadReferenceProfile, type MonitorSources, referenceFile } from './monitor-reference.js';
import type { MonitorRun, MonitorWindowResult } from './monitor-result.js';
import type { MonitorSpec } from './monitor-spec.js';
import { openMonitorStore, referenceProfileName } from './monitor-store.js';

export interface RunMonitorOptions extends MonitorSources {
  /** The end of the window (epoch ms, exclusive); now by default. The window is [end − windowMs, end). */
  windowEnd?: number;
  /** A deployment's prediction log (`predictionLog` service, or deploy's `createPredictionLogReader`). */
  predictionLog?: PredictionLogReader;
  /** Where plugin drift tests are found. */
  plugins?: PluginRegistry;
  /** Gauges to set from the result (`/metrics`). */
  metrics?: MonitorMetrics;
  signal?: AbortSignal;
}

const emptyDrift = (driftShare: number): DriftResult => ({
  datasetDrift: false,
  driftShare: 0,
  driftShareThreshold: driftShare,
  testedColumns: 0,
  driftedColumns: 0,
  columns: [],
});

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** The monitor's stored reference profile, made (and stored) from its reference on first use. */
async function referenceProfile(workspace: Workspace, spec: MonitorSpec, options: RunMonitorOptions) {
  const profiles = await openProfileStore(workspace);
  const stored = await profiles.getReference(referenceProfileName(spec.name)).catch((error: unknown) => {
    if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  });
  if (stored) return stored.profile;
  const { profile } = await loadReferenceProfile(spec, options);
  await profiles.saveReference(referenceProfileName(spec.name), profile);
  return profile;
}

/** Folds a deployment's logged predictions in [start, end) into a profile on the reference's bins; rows are not kept. */
async function deploymentWindow(spec: MonitorSpec, reference: DatasetProfile, start: number, end: number, options: RunMonitorOptions) {
  if (spec.source.kind !== 'deployment') throw new Error('unreachable');
  if (!options.predictionLog)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Monitor ${spec.name} reads deployment ${spec.source.deployment}'s prediction log, which needs @mlp/deploy installed beside @mlp/monitor.`,
    );
  const window = DatasetProfile.windowOf(reference);
  const latencies: number[] = [];
  const versions: Record<string, number> = {};
  const { deployment, model, modelVersion } = spec.source;
  for await (const entry of options.predictionLog.read({
    model,
    from: start,
    to: end,
    ...(modelVersion ? { modelVersion } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    // A model served under several deployments: only this one's servers (plain `mlp serve` logs no deployment).
    if (entry.deployment !== undefined && entry.deployment !== deployment) continue;
    window.addRows(predictionRows(entry));
    latencies.push(entry.latencyMs);
    versions[entry.modelVersion] = (versions[entry.modelVersion] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  const latencyMs = latencies.length
    ? { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), max: latencies.at(-1) as number }
    : null;
  return { window, latencyMs, versions };
}

/** The values alert rules read from a window. */
export function observationsOf(result: MonitorWindowResult): AlertObservation[] {
  if (result.problem !== null) return [];
  const observations: AlertObservation[] = [{ metric: 'drift_share', value: result.drift.driftShare }];
  for (const column of result.drift.columns)
    if (column.score !== null) observations.push({ metric: 'column_score', column: column.column, value: column.score });
  if (result.latencyMs) observations.push({ metric: 'latency_p95', value: result.latencyMs.p95 });
  observations.push(...qualityObservations(result.quality));
  return observations;
}

/**
 * Runs a monitor on one window: the deployment's logged predictions in [end − windowMs, end) folded into
 * a profile (or the dataset's latest version read), drift from the reference, the result stored per
 * monitor and window (a rerun replaces it), the alert rules evaluated at `end` (so `for` counts windows'
 * time), transitions stored with their durable events, and the gauges set.
 */
export async function runMonitor(workspace: Workspace, name: string, options: RunMonitorOptions = {}): Promise<MonitorRun> {
  const store = await openMonitorStore(workspace);
  const { spec } = await store.get(name);
  const windowEnd = options.windowEnd ?? Date.now();
  if (!Number.isSafeInteger(windowEnd) || windowEnd < spec.windowMs)
    throw new MlpError('INVALID_ARGUMENT', `The window end ${windowEnd} is not a time: give epoch milliseconds or an ISO time.`);
  const windowStart = windowEnd - spec.windowMs;
  const driftOptions = { ...spec.tests, ...(options.plugins ? { plugins: options.plugins } : {}) };
  let result: MonitorWindowResult;
  if (spec.source.kind === 'deployment') {
    const reference = await referenceProfile(workspace, spec, options);
    const { window, latencyMs, versions } = await deploymentWindow(spec, reference, windowStart, windowEnd, options);
    const problem = window.rows === 0 ? 'no predictions were logged in the window' : null;
    result = {
      rows: window.rows,
      reference: { description: spec.referenceResolved ?? spec.reference.kind, rows: reference.rows },
      current: null,
      drift: problem ? emptyDrift(spec.tests.driftShare) : detectProfileDrift(reference, window, driftOptions),
      problem,
      dataQuality: problem ? null : checkDataQuality(reference, window, spec.tests.columns ? { columns: spec.tests.columns } : {}),
      latencyMs,
      modelVersions: versions,
      // A second pass over the window's log: only labelled rows' predictions are kept, looked up 500 requests at a time.
      quality: problem
        ? null
        : await windowQuality(workspace, spec, options.predictionLog as PredictionLogReader, windowStart, windowEnd, options.signal),
    };
  } else {
    if (!options.resolveDataset)
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Monitor ${spec.name} reads dataset ${spec.source.dataset}, which needs @mlp/data-version installed.`,
      );
    const currentRef = `${spec.source.dataset}@latest`;
    const reference = await referenceFile(spec.reference, options);
    const current = await options.resolveDataset(currentRef);
    const drift = await detectFileDrift(reference.file, current, {
      ...driftOptions,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    result = {
      rows: drift.current.rows,
      reference: { description: reference.description, rows: drift.reference.rows },
      current: currentRef,
      drift: drift.result,
      problem: null,
      dataQuality: null,
      latencyMs: null,
      modelVersions: {},
      quality: null,
    };
  }
  await store.saveResult({
    monitor: name,
    windowStart,
    windowEnd,
    rows: result.rows,
    datasetDrift: result.drift.datasetDrift,
    driftShare: result.drift.driftShare,
    result,
  });
  const alerts = await openAlertStore(workspace);
  const transitions = spec.alerts.length ? await alerts.evaluate(name, spec.alerts, observationsOf(result), windowEnd) : [];
  if (options.metrics && result.problem === null) recordDriftMetrics(options.metrics, name, result.drift);
  return { monitor: name, windowStart, windowEnd, result, transitions };
}
