import { type BlobStore, type Logger, MlpError } from '@mlp/core';
import { type DatasetInput, type Run, type RunStatus, systemTags } from '../model.js';
import type { TrackingStore } from '../store/tracking-store.js';
import {
  assertMetricInteger,
  assertMetricValue,
  assertParamValue,
  assertTagValue,
  assertTrackingKey,
  trackingLimits,
} from '../validate-names.js';
import { type ArtifactInfo, artifactKeyPrefix, normaliseArtifactPath, uploadBytes, uploadDir, uploadFile } from './artifacts.js';
import { type DatasetLineage, type DatasetUse, recordDatasetUse } from './dataset-lineage.js';
import { type Heartbeat, startHeartbeat } from './heartbeat.js';
import { LogBuffer } from './log-buffer.js';
import { watchProcessExit } from './signals.js';
import { effectiveBatchLimits, type ResolvedTrackingOptions } from './tracking-options.js';

/** A param value; numbers and booleans are logged as their string form (`0.1`, `true`). */
export type ParamValue = string | number | boolean | bigint;
/** A tag value; numbers and booleans are logged as their string form. */
export type TagValue = string | number | boolean;
/** How a run can end. */
export type EndStatus = Extract<RunStatus, 'FINISHED' | 'FAILED' | 'KILLED'>;

export interface MetricOptions {
  /** Defaults to 0, as in MLflow. */
  step?: number;
  /** Epoch milliseconds; defaults to now. */
  timestamp?: number;
}

export interface ArtifactOptions {
  /**
   * For a file or folder: the folder under the run's artifact root to put it in (root by default).
   * For bytes: the artifact's own path, required (`plots/loss.svg`). Never absolute, never with `..`.
   */
  path?: string;
}

/**
 * A run being logged to. Logging calls validate at once (a bad key or value throws INVALID_ARGUMENT
 * right there) and only buffer; batches reach the store in the background, by size and by time.
 * An error from a background send is thrown by the next call on the run, or by `flush()`/`end()`.
 */
export interface ActiveRun extends AsyncDisposable {
  readonly runId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly artifactUri: string;
  /** RUNNING until the run ends, then how it ended. */
  readonly status: RunStatus;

  logParam(key: string, value: ParamValue): void;
  logParams(params: Record<string, ParamValue>): void;
  /**
   * Buffers one metric point and returns undefined, at once. When the run already buffers
   * `maxBufferedPoints` points it returns a promise that resolves once a send has made room:
   * `await run.logMetric(...)` then slows the caller to the store's pace. Callers that never await
   * still work, but then memory is only bounded by how fast they log.
   */
  logMetric(key: string, value: number, options?: MetricOptions): Promise<void> | undefined;
  /** Several metrics at one step; validated all together before any is buffered. Backpressure as `logMetric`. */
  logMetrics(metrics: Record<string, number>, options?: MetricOptions): Promise<void> | undefined;
  setTag(key: string, value: TagValue): void;
  setTags(tags: Record<string, TagValue>): void;
  /** Uploads a local file (to `path`/its base name) or bytes (to `path`) under the run's artifact root. */
  logArtifact(fileOrBytes: string | Uint8Array, options?: ArtifactOptions): Promise<ArtifactInfo>;
  /** Uploads every file under a local folder, recursively, below `path`. */
  logArtifacts(dir: string, options?: ArtifactOptions): Promise<ArtifactInfo[]>;
  /**
   * Records that the run reads (or, with `role: 'output'`, writes) a dataset version such as
   * `flights@latest`, pinned to the version it names now: in the catalog's lineage and as an MLflow
   * run input. Needs `lineage` in the tracking options.
   */
  useDataset(use: DatasetUse | string): Promise<DatasetInput>;
  /** Sends everything logged so far; rejects with any send error. */
  flush(): Promise<void>;
  /** Marks the run as failed with `error` as its reason: a later `end()` without status, or disposal, ends it FAILED. */
  fail(error?: unknown): void;
  /** Flushes, then ends the run (FINISHED by default, FAILED after `fail()`). Calling it again is a no-op. */
  end(status?: EndStatus): Promise<void>;
  /** Ends the run like `end()`: FINISHED, or FAILED when `fail()` was called. It cannot see a thrown exception. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ActiveRunContext {
  store: TrackingStore;
  blobs: BlobStore;
  logger: Logger;
  options: ResolvedTrackingOptions;
  lineage?: DatasetLineage;
}

const endStatuses: readonly EndStatus[] = ['FINISHED', 'FAILED', 'KILLED'];
/** Keys validated once are remembered, so the hot path skips the pattern test; bounded against key floods. */
const maxRememberedKeys = 10_000;

export function toParamString(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new MlpError(
    'INVALID_ARGUMENT',
    `The value of param ${JSON.stringify(key)} must be a string, number or boolean, not ${value === null ? 'null' : typeof value}. Log structured values as JSON strings or artifacts.`,
  );
}

export function toTagString(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MlpError(
    'INVALID_ARGUMENT',
    `The value of tag ${JSON.stringify(key)} must be a string, number or boolean, not ${value === null ? 'null' : typeof value}.`,
  );
}

function isRetriedFlushError(error: unknown): boolean {
  return MlpError.isInstance(error) && error.details?.retried === true;
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : error === undefined ? 'marked failed' : String(error);
  // Our own description, shortened with a visible ellipsis rather than refused.
  return text.length > trackingLimits.tagValueLength ? `${text.slice(0, trackingLimits.tagValueLength - 1)}…` : text;
}

class RunHandle implements ActiveRun {
  readonly runId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly artifactUri: string;
  private state: 'open' | 'ending' | 'ended' = 'open';
  private endedAs: EndStatus | undefined;
  private ending: Promise<void> | undefined;
  private failureReason: string | undefined;
  /** Set when a signal or the exit hook ends the run: the script may still be logging, and that is not its bug. */
  private endingOnExit = false;
  private warnedDropped = false;
  private readonly buffer: LogBuffer;
  private readonly heartbeat: Heartbeat;
  private readonly unwatch: () => void;
  private readonly metricKeys = new Set<string>();
  private readonly params = new Map<string, string>();

  constructor(
    run: Run,
    private readonly context: ActiveRunContext,
  ) {
    this.runId = run.runId;
    this.experimentId = run.experimentId;
    this.name = run.name;
    this.artifactUri = run.artifactUri;
    const { store, options } = context;
    this.buffer = new LogBuffer({
      runId: run.runId,
      send: (batch) => store.logBatch(run.runId, batch),
      flushIntervalMs: options.flushIntervalMs,
      batch: effectiveBatchLimits(options.batch, store.batchLimits),
      maxBufferedPoints: options.maxBufferedPoints,
    });
    this.heartbeat = startHeartbeat(store, run.runId, options.heartbeatIntervalMs, context.logger);
    this.unwatch = watchProcessExit({ terminate: (status) => this.terminate(status) }, { signals: options.handleSignals });
  }

  get status(): RunStatus {
    return this.endedAs ?? 'RUNNING';
  }

  logMetric(key: string, value: number, options?: MetricOptions): Promise<void> | undefined {
    if (this.state !== 'open' || this.buffer.failed) {
      if (this.droppedOnExit()) return;
      this.throwUnusable();
    }
    if (!this.metricKeys.has(key)) this.learnMetricKey(key);
    if (typeof value !== 'number') assertMetricValue(key, value);
    let step = 0;
    let timestamp: number;
    if (options === undefined) timestamp = Date.now();
    else {
      if (options.step !== undefined) {
        step = options.step;
        if (!Number.isSafeInteger(step)) assertMetricInteger(key, 'step', step);
      }
      timestamp = options.timestamp ?? Date.now();
      if (!Number.isSafeInteger(timestamp)) assertMetricInteger(key, 'timestamp', timestamp);
    }
    return this.buffer.pushMetric({ key, value, timestamp, step });
  }

  logMetrics(metrics: Record<string, number>, options?: MetricOptions): Promise<void> | undefined {
    if (this.state !== 'open' || this.buffer.failed) {
      if (this.droppedOnExit()) return;
      this.throwUnusable();
    }
    const entries = Object.entries(metrics);
    for (const [key, value] of entries) {
      if (!this.metricKeys.has(key)) this.learnMetricKey(key);
      assertMetricValue(key, value);
    }
    const step = options?.step ?? 0;
    const timestamp = options?.timestamp ?? Date.now();
    const first = entries[0]?.[0] ?? '';
    assertMetricInteger(first, 'step', step);
    assertMetricInteger(first, 'timestamp', timestamp);
    let wait: Promise<void> | undefined;
    for (const [key, value] of entries) wait = this.buffer.pushMetric({ key, value, timestamp, step }) ?? wait;
    return wait;
  }

  logParam(key: string, value: ParamValue): void {
    this.logParams({ [key]: value });
  }

  logParams(params: Record<string, ParamValue>): void {
    if (this.state !== 'open' || this.buffer.failed) {
      if (this.droppedOnExit()) return;
      this.throwUnusable();
    }
    const checked: Array<[string, string]> = [];
    for (const [key, raw] of Object.entries(params)) {
      assertTrackingKey('param', key);
      const value = toParamString(key, raw);
      assertParamValue(key, value);
      const earlier = this.params.get(key);
      if (earlier !== undefined && earlier !== value) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `Param ${JSON.stringify(key)} of run ${this.runId} is already ${JSON.stringify(earlier)}; params are write-once, so it cannot become ${JSON.stringify(value)}. Use another key, or start a new run.`,
          { details: { runId: this.runId, key } },
        );
      }
      checked.push([key, value]);
    }
    for (const [key, value] of checked) {
      if (this.params.get(key) === value) continue;
      this.params.set(key, value);
      this.buffer.pushParam(key, value);
    }
  }

  setTag(key: string, value: TagValue): void {
    this.setTags({ [key]: value });
  }

  setTags(tags: Record<string, TagValue>): void {
    if (this.state !== 'open' || this.buffer.failed) {
      if (this.droppedOnExit()) return;
      this.throwUnusable();
    }
    const checked: Array<[string, string]> = [];
    for (const [key, raw] of Object.entries(tags)) {
      assertTrackingKey('tag', key);
      const value = toTagString(key, raw);
      assertTagValue(key, value);
      checked.push([key, value]);
    }
    for (const [key, value] of checked) this.buffer.pushTag(key, value);
  }

  async logArtifact(fileOrBytes: string | Uint8Array, options: ArtifactOptions = {}): Promise<ArtifactInfo> {
    if (this.state !== 'open' || this.buffer.failed) this.throwUnusable();
    const target = normaliseArtifactPath(options.path ?? '');
    const prefix = artifactKeyPrefix(this.runId, this.artifactUri);
    if (typeof fileOrBytes === 'string') return uploadFile(this.context.blobs, prefix, fileOrBytes, target);
    if (fileOrBytes instanceof Uint8Array) return uploadBytes(this.context.blobs, prefix, fileOrBytes, target);
    throw new MlpError('INVALID_ARGUMENT', 'logArtifact takes a local file path or a Uint8Array of bytes.');
  }

  async logArtifacts(dir: string, options: ArtifactOptions = {}): Promise<ArtifactInfo[]> {
    if (this.state !== 'open' || this.buffer.failed) this.throwUnusable();
    const target = normaliseArtifactPath(options.path ?? '');
    return uploadDir(this.context.blobs, artifactKeyPrefix(this.runId, this.artifactUri), dir, target);
  }

  async useDataset(use: DatasetUse | string): Promise<DatasetInput> {
    return recordDatasetUse(this.context.lineage, this.context.store, this.runId, use);
  }

  async flush(): Promise<void> {
    if (this.state === 'ended') return;
    await this.buffer.flush();
  }

  fail(error?: unknown): void {
    this.failureReason = reasonOf(error);
  }

  end(status?: EndStatus): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    this.ending ??= this.finish(status ?? (this.failureReason === undefined ? 'FINISHED' : 'FAILED')).finally(() => {
      this.ending = undefined;
    });
    return this.ending;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }

  private async finish(status: EndStatus): Promise<void> {
    if (!endStatuses.includes(status)) {
      throw new MlpError('INVALID_ARGUMENT', `A run ends FINISHED, FAILED or KILLED, not ${JSON.stringify(status)}.`);
    }
    if (status === 'FAILED' && this.failureReason !== undefined) this.buffer.pushTag(systemTags.failureReason, this.failureReason);
    this.state = 'ending';
    let lost: unknown;
    try {
      for (;;) {
        try {
          await this.buffer.flush();
          break;
        } catch (error) {
          // Still buffered (the store is unreachable): stay open, so end() can be called again.
          if (isRetriedFlushError(error)) throw error;
          // Already lost: report it, but send the rest and end the run anyway.
          lost ??= error;
        }
      }
      await this.context.store.updateRun(this.runId, { status, endTime: Date.now() });
    } catch (error) {
      this.state = 'open';
      throw error;
    }
    this.state = 'ended';
    this.endedAs = status;
    this.heartbeat.stop();
    this.buffer.close();
    this.unwatch();
    if (lost !== undefined) throw lost;
  }

  /** For the process hooks: end without throwing, logging what went wrong. */
  private async terminate(status: EndStatus): Promise<void> {
    this.endingOnExit = true;
    try {
      await this.end(status);
    } catch (error) {
      this.context.logger.error({ runId: this.runId, err: error }, `Could not end run ${this.runId} ${status} on exit.`);
    }
  }

  private learnMetricKey(key: string): void {
    assertTrackingKey('metric', key);
    if (this.metricKeys.size < maxRememberedKeys) this.metricKeys.add(key);
  }

  /** After the process hooks began ending the run, logging is dropped with one warning rather than thrown. */
  private droppedOnExit(): boolean {
    if (!this.endingOnExit) return false;
    if (!this.warnedDropped) {
      this.warnedDropped = true;
      this.context.logger.warn(
        { runId: this.runId },
        `Run ${this.runId} is ending because the process is exiting; what is logged to it from now on is dropped.`,
      );
    }
    return true;
  }

  private throwUnusable(): never {
    this.buffer.throwFailure();
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Run ${this.runId} has ${this.state === 'ended' ? `ended (${this.endedAs})` : 'begun ending'}; nothing more can be logged to it. Start a new run.`,
      { details: { runId: this.runId } },
    );
  }
}

/** Wraps a created run in its handle; the run is heartbeating and watched by the process hooks from here on. */
export function createActiveRun(run: Run, context: ActiveRunContext): ActiveRun {
  return new RunHandle(run, context);
}
