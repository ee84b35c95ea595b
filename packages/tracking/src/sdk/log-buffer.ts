import { MlpError, plural } from '@mlp/core';
import type { Metric, Param, Tag } from '../model.js';
import type { LogBatchInput } from '../store/tracking-store.js';
import type { BatchLimits } from './tracking-options.js';

export interface LogBufferOptions {
  runId: string;
  send(batch: LogBatchInput): Promise<void>;
  flushIntervalMs: number;
  batch: BatchLimits;
  maxBufferedPoints: number;
}

type Batch = Required<LogBatchInput>;

function describe(batch: Batch): string {
  return `${plural(batch.metrics.length, 'metric point')}, ${plural(batch.params.length, 'param')} and ${plural(batch.tags.length, 'tag')}`;
}

/** Errors worth sending the same batch again for: the store was unreachable, not the data bad. */
function isRetryable(error: unknown): boolean {
  return MlpError.isInstance(error) && error.code === 'UNAVAILABLE';
}

/**
 * What a run has logged but not yet stored, and the one loop that sends it. Metric points queue in
 * order; params and tags are maps (a tag logged twice is sent once, with its last value). Batches
 * go out one at a time, so a run's writes reach the store in the order they were logged:
 * - by size: as soon as a full batch of metric points is queued;
 * - by time: `flushIntervalMs` after the first unsent value, everything;
 * - on `flush()`: everything logged before the call.
 * A failed send is kept as an error that the next call on the run throws, never dropped silently.
 */
export class LogBuffer {
  private queue: Metric[] = [];
  private head = 0;
  private readonly params = new Map<string, string>();
  private readonly tags = new Map<string, string>();
  /** Counts of metric points ever queued and ever taken into a batch; `flush()` waits on them. */
  private enqueued = 0;
  private taken = 0;
  private drainTarget = 0;
  private draining = false;
  private retry: Batch | undefined;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: MlpError | undefined;
  private laterFailures = 0;
  private space: { promise: Promise<void>; resolve: () => void } | undefined;
  private readonly fullBatch: number;
  private readonly onTimer = () => {
    this.timer = undefined;
    this.requestDrain();
    void this.kick();
  };

  constructor(private readonly options: LogBufferOptions) {
    this.fullBatch = Math.min(options.batch.metrics, options.batch.total);
  }

  /** Metric points queued and not yet taken into a batch. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Whether a flush error is waiting to be thrown by the next call. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The hot path: one push, and a timer or a send only when one is due. A promise means "over the bound: wait". */
  pushMetric(point: Metric): Promise<void> | undefined {
    this.queue.push(point);
    this.enqueued++;
    const queued = this.queue.length - this.head;
    if (queued >= this.fullBatch && this.pumping === undefined) void this.kick();
    else if (this.timer === undefined) this.arm();
    if (queued < this.options.maxBufferedPoints) return undefined;
    // Over the bound: send everything now (the bound may be below a batch) and let the caller wait.
    this.requestDrain();
    void this.kick();
    return this.waitForSpace();
  }

  pushParam(key: string, value: string): void {
    this.params.set(key, value);
    if (this.timer === undefined) this.arm();
  }

  pushTag(key: string, value: string): void {
    this.tags.set(key, value);
    if (this.timer === undefined) this.arm();
  }

  /** Throws (and clears) the error of a failed send, so it is reported exactly once. */
  throwFailure(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    this.failure = undefined;
    const later = this.laterFailures;
    this.laterFailures = 0;
    if (later === 0) throw failure;
    throw new MlpError(failure.code, `${failure.message} ${plural(later, 'later send')} failed too.`, {
      cause: failure.cause,
      details: failure.details,
    });
  }

  /** Sends everything logged before this call; rejects with the first send error. */
  async flush(): Promise<void> {
    this.throwFailure();
    const target = this.enqueued;
    for (;;) {
      this.requestDrain();
      await this.kick();
      this.throwFailure();
      if (this.taken >= target && this.retry === undefined && this.params.size === 0 && this.tags.size === 0) return;
    }
  }

  /** Stops the timer and releases waiters; what is still queued stays unsent. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.releaseSpace(true);
  }

  private arm(): void {
    this.timer = setTimeout(this.onTimer, this.options.flushIntervalMs);
    // Pending values alone do not keep the process alive; end(), signals and beforeExit flush them.
    this.timer.unref();
  }

  private requestDrain(): void {
    this.draining = true;
    if (this.enqueued > this.drainTarget) this.drainTarget = this.enqueued;
  }

  private kick(): Promise<void> {
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
    });
    return this.pumping;
  }

  private async pump(): Promise<void> {
    for (;;) {
      const batch = this.takeBatch();
      if (batch === undefined) return;
      try {
        await this.options.send(batch);
      } catch (error) {
        // An unreachable store fails every batch: stop until the next flush. A refused batch says nothing of the next.
        if (this.recordFailure(batch, error)) return;
        continue;
      }
      this.releaseSpace(false);
    }
  }

  private takeBatch(): Batch | undefined {
    if (this.retry !== undefined) {
      const batch = this.retry;
      this.retry = undefined;
      return batch;
    }
    const limits = this.options.batch;
    if (this.draining) {
      if (this.params.size > 0) {
        // Params travel alone: a param another writer set to another value fails only its own batch.
        return { metrics: [], params: takeEntries(this.params, Math.min(limits.params, limits.total)), tags: [] };
      }
      if (this.taken < this.drainTarget || this.tags.size > 0) {
        const tags = takeEntries(this.tags, Math.min(this.tags.size, limits.tags, limits.total));
        return { metrics: this.takeMetrics(Math.min(this.queued, limits.metrics, limits.total - tags.length)), params: [], tags };
      }
      this.draining = false;
    }
    if (this.queued >= this.fullBatch) return { metrics: this.takeMetrics(this.fullBatch), params: [], tags: [] };
    return undefined;
  }

  private takeMetrics(count: number): Metric[] {
    const metrics = this.queue.slice(this.head, this.head + count);
    this.head += count;
    this.taken += count;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 65_536 && this.head * 2 > this.queue.length) {
      // Compact now and then, so a long-lived backlog does not keep sent points reachable.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return metrics;
  }

  /** Records a failed send; returns whether the batch is kept for a retry. */
  private recordFailure(batch: Batch, error: unknown): boolean {
    const retried = isRetryable(error);
    if (retried) this.retry = batch;
    const cause = error instanceof Error ? error.message : String(error);
    const outcome = retried ? 'they stay buffered and are sent again by the next flush' : 'they were not stored';
    const failure = new MlpError(
      MlpError.isInstance(error) ? error.code : 'INTERNAL',
      `Could not store ${describe(batch)} of run ${this.options.runId}: ${cause} (${outcome}).`,
      {
        cause: error,
        details: {
          runId: this.options.runId,
          metrics: batch.metrics.length,
          params: batch.params.length,
          tags: batch.tags.length,
          retried,
        },
      },
    );
    if (this.failure === undefined) this.failure = failure;
    else this.laterFailures++;
    if (retried) this.draining = false;
    // Waiters must not hang on a store that fails: they wake, and their next call throws the error.
    this.releaseSpace(true);
    if (this.timer === undefined && (retried || this.queued > 0 || this.params.size > 0 || this.tags.size > 0)) this.arm();
    return retried;
  }

  private waitForSpace(): Promise<void> {
    if (this.space === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      this.space = { promise, resolve };
    }
    return this.space.promise;
  }

  private releaseSpace(always: boolean): void {
    if (this.space === undefined || (!always && this.queued >= this.options.maxBufferedPoints)) return;
    const { resolve } = this.space;
    this.space = undefined;
    resolve();
  }
}

function takeEntries(map: Map<string, string>, count: number): Array<Param | Tag> {
  const taken: Array<Param | Tag> = [];
  for (const [key, value] of map) {
    if (taken.length >= count) break;
    taken.push({ key, value });
    map.delete(key);
  }
  return taken;
}
