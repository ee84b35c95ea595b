import { MlpError } from '@mlp/core';
import type { BatchCodec } from './batch-codec.js';
import { tensorBatching } from './batch-tensors.js';
import type { HostTensor } from './tensor-spec.js';

export interface BatcherOptions {
  /** Rows (dimension 0) merged into one run at most; 1 turns merging off. */
  maxBatchSize: number;
  /** How long the first waiting request may wait for others while the model is idle; 0 runs at once. */
  maxQueueDelayMs: number;
  /** Requests waiting at most; past it a request is refused at once (503 with Retry-After). */
  maxQueueSize: number;
  /** How long a request may wait and run before it is answered 503. */
  timeoutMs: number;
  /** Runs of the model at the same time. */
  maxConcurrentRuns: number;
}

export interface BatcherHooks {
  onQueueDepth?(depth: number): void;
  onBatch?(rows: number, requests: number): void;
}

interface Pending<I, O> {
  inputs: I;
  rows: number;
  key: string;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(outputs: O): void;
  reject(error: unknown): void;
}

export function queueFull(size: number): MlpError {
  return new MlpError('UNAVAILABLE', `The model's queue is full (${size} requests waiting): retry shortly, or start more replicas.`, {
    details: { httpStatus: 503, httpHeaders: { 'retry-after': '1' } },
  });
}

/**
 * Dynamic batching: requests for one model wait in a bounded queue; whenever the model is free the
 * waiting requests with the same non-batch dimensions are joined along dimension 0 (up to
 * `maxBatchSize` rows), run once, and the outputs split back. While a run is in progress the next
 * requests gather, so a busy model runs large batches and an idle one answers at once.
 */
export class DynamicBatcher<I = HostTensor[], O = HostTensor[]> {
  private readonly queue: Pending<I, O>[] = [];
  private running = 0;
  private delayTimer: NodeJS.Timeout | undefined;
  private oldestAt = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** `owned`: the inputs are the batcher's own joined copies, which the run may consume. */
    private readonly run: (inputs: I, owned: boolean) => Promise<O>,
    private readonly options: BatcherOptions,
    private readonly hooks: BatcherHooks = {},
    private readonly codec: BatchCodec<I, O> = tensorBatching as unknown as BatchCodec<I, O>,
  ) {}

  /** Requests waiting or running. */
  get load(): number {
    return this.queue.length + this.running;
  }

  /** Queues `inputs` (all the model's inputs, dimension 0 the rows when batching) and resolves with all outputs. */
  submit(inputs: I, signal?: AbortSignal): Promise<O> {
    if (this.queue.length >= this.options.maxQueueSize) return Promise.reject(queueFull(this.queue.length));
    const rows = this.options.maxBatchSize > 1 ? this.codec.rows(inputs) : undefined;
    return new Promise<O>((resolve, reject) => {
      const pending: Pending<I, O> = {
        inputs,
        rows: rows ?? 0,
        // A request whose inputs disagree on dimension 0 runs alone.
        key: rows === undefined ? `alone:${Math.random()}` : this.codec.key(inputs),
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      const fail = (error: MlpError) => {
        if (pending.settled) return;
        const index = this.queue.indexOf(pending);
        if (index !== -1) {
          this.queue.splice(index, 1);
          this.hooks.onQueueDepth?.(this.queue.length);
        }
        this.settle(pending, undefined, error);
      };
      pending.timer = setTimeout(
        () =>
          fail(
            new MlpError(
              'UNAVAILABLE',
              `The request took longer than ${this.options.timeoutMs} ms in the model's queue and run: retry, or send less at once.`,
              {
                details: { httpStatus: 503, httpHeaders: { 'retry-after': '1' } },
              },
            ),
          ),
        this.options.timeoutMs,
      );
      pending.timer.unref?.();
      signal?.addEventListener('abort', () => fail(new MlpError('UNAVAILABLE', 'The client went away before the answer.')), { once: true });
      if (this.queue.length === 0) this.oldestAt = performance.now();
      this.queue.push(pending);
      this.hooks.onQueueDepth?.(this.queue.length);
      this.schedule();
    });
  }

  /** Resolves once nothing waits or runs (graceful shutdown). */
  idle(): Promise<void> {
    if (this.load === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(pending: Pending<I, O>, outputs: O | undefined, error?: unknown): void {
    if (pending.settled) return;
    pending.settled = true;
    clearTimeout(pending.timer);
    if (outputs !== undefined) pending.resolve(outputs);
    else pending.reject(error);
  }

  private queuedRows(): number {
    let rows = 0;
    for (const pending of this.queue) rows += pending.rows;
    return rows;
  }

  private schedule(): void {
    while (this.running < this.options.maxConcurrentRuns && this.queue.length > 0) {
      const { maxQueueDelayMs, maxBatchSize } = this.options;
      if (maxQueueDelayMs > 0 && this.running === 0 && this.queuedRows() < maxBatchSize) {
        const wait = this.oldestAt + maxQueueDelayMs - performance.now();
        if (wait > 0) {
          if (!this.delayTimer)
            this.delayTimer = setTimeout(() => {
              this.delayTimer = undefined;
              this.oldestAt = 0;
              this.schedule();
            }, wait);
          return;
        }
      }
      clearTimeout(this.delayTimer);
      this.delayTimer = undefined;
      this.dispatch(this.take());
    }
    if (this.load === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The head of the queue and the requests that can join it, up to the batch size. */
  private take(): Pending<I, O>[] {
    const head = this.queue.shift() as Pending<I, O>;
    const batch = [head];
    let rows = head.rows;
    for (let i = 0; i < this.queue.length && rows < this.options.maxBatchSize; ) {
      const next = this.queue[i] as Pending<I, O>;
      if (next.key === head.key && rows + next.rows <= this.options.maxBatchSize) {
        batch.push(next);
        rows += next.rows;
        this.queue.splice(i, 1);
      } else i++;
    }
    this.oldestAt = performance.now();
    this.hooks.onQueueDepth?.(this.queue.length);
    return batch;
  }

  private dispatch(batch: Pending<I, O>[]): void {
    this.running++;
    this.execute(batch)
      .catch((error: unknown) => {
        for (const pending of batch) this.settle(pending, undefined, error);
      })
      .finally(() => {
        this.running--;
        this.schedule();
      });
  }

  private async execute(batch: Pending<I, O>[]): Promise<void> {
    const live = batch.filter((pending) => !pending.settled);
    if (live.length === 0) return;
    if (live.length === 1) {
      const only = live[0] as Pending<I, O>;
      this.hooks.onBatch?.(only.rows, 1);
      this.settle(only, await this.run(only.inputs, false));
      return;
    }
    const rowsPerRequest = live.map((pending) => pending.rows);
    const rows = rowsPerRequest.reduce((sum, count) => sum + count, 0);
    this.hooks.onBatch?.(rows, live.length);
    const outputs = await this.run(
      this.codec.join(
        live.map((pending) => pending.inputs),
        rows,
      ),
      true,
    ).catch(() => undefined);
    const split = outputs === undefined ? undefined : this.codec.split(outputs, rowsPerRequest);
    if (split) {
      live.forEach((pending, index) => {
        this.settle(pending, split[index]);
      });
      return;
    }
    // The batch failed (one request's values, which then fails alone) or its outputs do not keep rows
    // apart (a reduction over the batch): each request runs by itself.
    for (const pending of live) {
      try {
        this.settle(pending, await this.run(pending.inputs, false));
      } catch (error) {
        this.settle(pending, undefined, error);
      }
    }
  }
}
