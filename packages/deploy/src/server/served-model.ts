import { readFile } from 'node:fs/promises';
import { backoffDelay, type Logger, MlpError } from '@mlp/core';
import { type BatcherOptions, DynamicBatcher } from './dynamic-batcher.js';
import type { ModelSourceSpec, RegistryOpener, ResolvedSource } from './model-source.js';
import { resolveModelSource } from './model-source.js';
import type { ModelRunner, OnnxSessionOptions } from './onnx-model.js';
import { openOnnxModel } from './open-onnx-model.js';
import { openPackageModel } from './package-runner.js';
import type { ServerMetrics } from './server-metrics.js';
import type { HostTensor, TensorSpec } from './tensor-spec.js';
import { zeroInputs } from './zero-inputs.js';

export type ModelState = 'LOADING' | 'READY' | 'UNAVAILABLE';

/** Per-model serving options (server-wide defaults apply where absent). */
export interface ModelServingOptions extends OnnxSessionOptions {
  /** Dynamic batching; `false` runs each request alone. */
  batching?: Partial<BatcherOptions> | false;
}

export const defaultBatching: BatcherOptions = {
  // Rows, not requests: 100-row requests still join (a run's fixed cost is most of a small model's).
  maxBatchSize: 1024,
  maxQueueDelayMs: 0,
  maxQueueSize: 1024,
  timeoutMs: 30_000,
  maxConcurrentRuns: 1,
};

/** The settings a model runs without batching: still a bounded queue and timeouts, runs side by side. */
const unbatched = (options: BatcherOptions): BatcherOptions => ({
  ...options,
  maxBatchSize: 1,
  maxQueueDelayMs: 0,
  maxConcurrentRuns: Math.max(2, options.maxConcurrentRuns),
});

/** Whether dimension 0 of every input and output is dynamic: only then may requests be joined along it. */
export function canBatch(runner: ModelRunner): boolean {
  const dynamicFirst = (spec: TensorSpec) => spec.shaped && spec.shape.length > 0 && spec.shape[0] === -1;
  return runner.inputs.every(dynamicFirst) && runner.outputs.every(dynamicFirst);
}

/** How a model whose runner crashed is restarted: at most `maxRestarts` within `windowMs`, with backoff. */
export interface CrashRestartOptions {
  maxRestarts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultCrashRestarts: CrashRestartOptions = { maxRestarts: 5, windowMs: 10 * 60_000, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What every model of a server shares: its log, metrics, registry, and hooks for other routes. */
export interface ServedModelContext {
  logger: Logger;
  metrics: ServerMetrics;
  openRegistry: RegistryOpener | undefined;
  /** Called once a model is READY (other protocols warm up their view of it: `/invocations`). */
  onReady?: (model: ServedModel) => Promise<void>;
  /** Takes this machine's folders out of a load failure's reason (it is shown over HTTP). */
  hidePaths?: (message: string) => string;
  /** Called before a model's package folder goes away (an unload, a reload). */
  onRelease?: (packageDir: string) => Promise<void>;
  /** Restarts after a crashed runner (default {@link defaultCrashRestarts}). */
  crashRestarts?: CrashRestartOptions;
}

/** One model of the server: where it comes from, its state, and while READY its runner and queue. */
export class ServedModel {
  state: ModelState = 'LOADING';
  /** Why the model is not ready (a load failure, an unload). */
  reason: string | undefined;
  name: string;
  version: string;
  runner: ModelRunner | undefined;
  batcher: DynamicBatcher | undefined;
  batching = false;
  /** The queue settings while loaded (`false`: each request alone), for other protocols' queues (`/invocations`). */
  batchSettings: BatcherOptions | false = false;
  /** The model package folder while loaded (undefined for a bare ONNX file), for routes that need the package. */
  packageDir: string | undefined;
  /** How many times the runner crashed and was restarted (for `/metrics` and tests). */
  restarts = 0;
  private resolved: ResolvedSource | undefined;
  private loading: Promise<void> | undefined;
  private crashTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: ModelSourceSpec,
    private readonly options: ModelServingOptions,
    private readonly context: ServedModelContext,
  ) {
    // Until resolved, the name the user gave or the source itself.
    this.name = spec.name ?? spec.source;
    this.version = spec.version ?? '';
  }

  /** Loads (or reloads) the model and warms it up; a failure leaves it UNAVAILABLE with the reason. */
  load(): Promise<void> {
    this.loading ??= this.doLoad().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.unload('reloading');
    this.state = 'LOADING';
    this.reason = undefined;
    const { logger, metrics } = this.context;
    try {
      const resolved = await resolveModelSource(this.spec, this.context.openRegistry);
      this.resolved = resolved;
      this.version = resolved.version;
      const runner =
        resolved.kind === 'onnx'
          ? await openOnnxModel(await readFile(resolved.path), this.options)
          : await openPackageModel(resolved.path, this.options);
      this.runner = runner;
      this.packageDir = resolved.kind === 'package' ? resolved.path : undefined;
      const settings = { ...defaultBatching, ...(this.options.batching || {}) };
      this.batching = this.options.batching !== false && settings.maxBatchSize > 1 && canBatch(runner);
      this.batchSettings = this.options.batching === false ? false : settings;
      const model = this.name;
      this.batcher = new DynamicBatcher(
        (inputs, owned) => runner.run(inputs, undefined, { transfer: owned }),
        this.batching ? settings : unbatched(settings),
        {
          onQueueDepth: (depth) => metrics.queueDepth.set({ model }, depth),
          onBatch: (rows) => metrics.batchSize.observe({ model }, rows),
        },
      );
      await this.warmUp(runner);
      if (this.runner !== runner) return; // unloaded while warming up
      this.state = 'READY';
      void runner.crashed?.then((error) => this.crashed(runner, error));
      await this.context.onReady?.(this).catch((error: unknown) => {
        logger.warn({ model: this.name, err: error }, 'a protocol could not warm up on this model; its first request will');
      });
      logger.info({ model: this.name, version: this.version, platform: runner.platform, batching: this.batching }, 'model ready');
    } catch (error) {
      this.state = 'UNAVAILABLE';
      const reason = MlpError.isInstance(error) ? error.message : `Loading failed: ${(error as Error).message}`;
      this.reason = this.context.hidePaths ? this.context.hidePaths(reason) : reason;
      logger.error({ model: this.name, err: error }, 'model failed to load');
      await this.release();
    }
  }

  /**
   * The runner died on its own (its worker thread crashed): not ready at once, with the reason, and
   * loaded again after a backoff, up to the bounded number of restarts; past it the model stays
   * UNAVAILABLE until loaded by hand.
   */
  private crashed(runner: ModelRunner, error: MlpError): void {
    if (this.runner !== runner) return; // unloaded or reloaded meanwhile
    const limits = this.context.crashRestarts ?? defaultCrashRestarts;
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((time) => now - time < limits.windowMs), now];
    this.state = 'UNAVAILABLE';
    const crashes = this.crashTimes.length;
    const logger = this.context.logger;
    if (crashes > limits.maxRestarts) {
      this.reason = `${error.message} It crashed ${crashes} times within ${Math.round(limits.windowMs / 1000)} s and is not restarted again: load it by hand (POST /v2/repository/models/${this.name}/load) once the cause is fixed.`;
      logger.error({ model: this.name, err: error, crashes }, 'model runner crashed too often; left unavailable');
      void this.release();
      return;
    }
    const delay = backoffDelay(crashes - 1, limits);
    this.reason = `${error.message} Restarting it (restart ${crashes} of at most ${limits.maxRestarts} within ${Math.round(limits.windowMs / 1000)} s).`;
    logger.error({ model: this.name, err: error, delayMs: delay }, 'model runner crashed; restarting');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts++;
      void this.load();
    }, delay);
  }

  /** One run on zeros (1 for each dynamic dimension) so the first client does not pay for allocation. */
  private async warmUp(runner: ModelRunner): Promise<void> {
    try {
      await runner.run(zeroInputs(runner.inputs));
    } catch (error) {
      // Zeros may be outside what the model accepts (an index, a string category): it still serves.
      this.context.logger.warn({ model: this.name, err: error }, 'warm-up on zeros failed; serving without it');
    }
  }

  /** Runs a request through the model's queue. */
  infer(inputs: HostTensor[], signal?: AbortSignal): Promise<HostTensor[]> {
    if (this.state !== 'READY' || !this.batcher)
      return Promise.reject(
        new MlpError('UNAVAILABLE', `Model '${this.name}' is not ready (${this.state}${this.reason ? `: ${this.reason}` : ''}).`, {
          details: { httpStatus: 503 },
        }),
      );
    return this.batcher.submit(inputs, signal);
  }

  /** Stops taking requests, lets queued and running ones finish, then frees the model. */
  async unload(reason = 'unloaded'): Promise<void> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.state = 'UNAVAILABLE';
    this.reason = reason;
    if (!this.runner && !this.resolved) return;
    await this.batcher?.idle();
    await this.release();
  }

  private async release(): Promise<void> {
    const { runner, resolved, packageDir } = this;
    if (packageDir) await this.context.onRelease?.(packageDir).catch(() => {});
    this.runner = undefined;
    this.batcher = undefined;
    this.resolved = undefined;
    this.packageDir = undefined;
    await runner?.close().catch(() => {});
    await resolved?.cleanup().catch(() => {});
  }
}
