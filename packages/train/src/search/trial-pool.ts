import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type JobQueue, MlpError } from '@mlp/core';
import type { PruneDecision, TrialError, TrialTransport, WorkerMessage } from './trial-protocol.js';
import { queueTransport } from './trial-queue-transport.js';

export type TrialOutcome =
  | { status: 'FINISHED'; result: unknown }
  | { status: 'FAILED'; error: TrialError }
  | { status: 'PRUNED'; epoch: number };

export interface TrialPoolOptions {
  /** The worker module: an absolute path or file URL whose default export runs one trial. */
  module: string;
  /** Trials at once, each in its own worker. */
  parallel: number;
  /** Where trials run: worker threads, child processes, or jobs on `jobQueue` (`mlp worker` processes on any machine). */
  mode: 'threads' | 'processes' | 'queue';
  /** The job queue of `mode: 'queue'` (`@mlp/orchestrate`'s, through the CLI's `jobQueue` service). */
  jobQueue?: JobQueue;
  /** The next trial to run, asked whenever a slot frees up; undefined once there are no more. */
  next(): { index: number; input: unknown } | undefined;
  /** A trial's epoch; the answer goes back to the trial ('prune' tells it to stop). */
  onEpoch(index: number, epoch: number, metrics: Record<string, number>): PruneDecision | Promise<PruneDecision>;
  /** Before a trial is sent to a worker. */
  onStart?(index: number): Promise<void>;
  /** After a trial ended; not called for trials cut short by an abort (they stay running, to be re-run). */
  onEnd(index: number, outcome: TrialOutcome): Promise<void>;
  signal?: AbortSignal;
}

/**
 * Runs trials in parallel in worker threads or child processes, reusing each worker across trials.
 * A trial that throws is FAILED with its MlpError code (INTERNAL otherwise); a worker that dies takes
 * only its trial down (FAILED, 'worker exited with code N') and is replaced. An abort terminates the
 * workers, starts nothing more and rejects with UNAVAILABLE; an error from a callback also stops the
 * pool and rejects with it.
 */
export async function runTrialPool(options: TrialPoolOptions): Promise<void> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1)
    throw new MlpError('INVALID_ARGUMENT', `a trial pool needs parallel ≥ 1 trials at once, not ${options.parallel}.`);
  const moduleUrl = toFileUrl(options.module);
  const launch = launcher(options.mode, moduleUrl, options.jobQueue);
  return new Promise<void>((resolve, reject) => {
    const live = new Set<TrialWorker>();
    let stopped = false;
    const stop = (error?: unknown) => {
      if (stopped) return;
      stopped = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const worker of live) worker.terminate();
      live.clear();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () =>
      stop(new MlpError('UNAVAILABLE', 'the search was aborted; its finished trials are kept, run it again with their history to resume.'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const slot = async () => {
      let worker: TrialWorker | undefined;
      while (!stopped) {
        const job = options.next();
        if (!job) break;
        await options.onStart?.(job.index);
        if (stopped) break;
        if (!worker?.alive) {
          if (worker) live.delete(worker);
          worker = launch();
          live.add(worker);
        }
        const outcome = await worker.run(job.index, job.input, (epoch, metrics) => options.onEpoch(job.index, epoch, metrics));
        if (!worker.alive) {
          live.delete(worker);
          worker = undefined;
        }
        if (stopped) break;
        await options.onEnd(job.index, outcome);
      }
      if (worker) {
        live.delete(worker);
        worker.terminate();
      }
    };
    Promise.all(Array.from({ length: options.parallel }, () => slot())).then(
      () => stop(),
      (error: unknown) => stop(error),
    );
  });
}

interface TrialWorker {
  readonly alive: boolean;
  run(
    index: number,
    input: unknown,
    onEpoch: (epoch: number, metrics: Record<string, number>) => PruneDecision | Promise<PruneDecision>,
  ): Promise<TrialOutcome>;
  terminate(): void;
}

function createTrialWorker(transport: TrialTransport, moduleUrl: string): TrialWorker {
  let alive = true;
  let current:
    | {
        index: number;
        onEpoch: (epoch: number, metrics: Record<string, number>) => PruneDecision | Promise<PruneDecision>;
        pending: Promise<unknown>[];
        settle(outcome: TrialOutcome): void;
        fail(error: unknown): void;
      }
    | undefined;
  transport.onMessage((message) => {
    const trial = current;
    if (!trial || message.index !== trial.index) return;
    if (message.type === 'epoch') {
      const decided = Promise.resolve()
        .then(() => trial.onEpoch(message.epoch, message.metrics))
        .then((decision) => {
          if (alive) transport.send({ type: 'decision', index: message.index, epoch: message.epoch, decision });
        });
      decided.catch((error: unknown) => trial.fail(error));
      trial.pending.push(decided);
      return;
    }
    const outcome: TrialOutcome =
      message.type === 'finished'
        ? { status: 'FINISHED', result: message.result }
        : message.type === 'failed'
          ? { status: 'FAILED', error: message.error }
          : { status: 'PRUNED', epoch: message.epoch };
    trial.settle(outcome);
  });
  transport.onExit((description) => {
    alive = false;
    current?.settle({ status: 'FAILED', error: { code: 'INTERNAL', message: description } });
  });
  return {
    get alive() {
      return alive;
    },
    run(index, input, onEpoch) {
      return new Promise<TrialOutcome>((resolve, reject) => {
        if (!alive)
          return resolve({ status: 'FAILED', error: { code: 'INTERNAL', message: 'the worker had exited before the trial started' } });
        const pending: Promise<unknown>[] = [];
        current = {
          index,
          onEpoch,
          pending,
          // The outcome waits for the epochs' callbacks, so onEnd never overtakes an onEpoch.
          settle: (outcome) => {
            current = undefined;
            Promise.allSettled(pending).then(() => resolve(outcome));
          },
          fail: (error) => {
            current = undefined;
            reject(error);
          },
        };
        transport.send({ type: 'run', index, module: moduleUrl, input });
      });
    },
    terminate() {
      if (!alive) return;
      alive = false;
      transport.send({ type: 'abort' });
      transport.terminate();
    },
  };
}

function toFileUrl(module: string): string {
  if (module.startsWith('file:')) return module;
  if (!isAbsolute(module))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `the trial module '${module}' is not an absolute path or file URL; resolve it first (for example with import.meta.resolve).`,
    );
  return pathToFileURL(module).href;
}

/**
 * Starts workers for the mode. From the sources (tests, a .ts entry), a worker needs tsx to load
 * TypeScript and the @mlp/source condition to load the other @mlp packages from their sources too; a
 * .ts worker module under the built package needs tsx only.
 */
function launcher(mode: 'threads' | 'processes' | 'queue', moduleUrl: string, jobQueue: JobQueue | undefined): () => TrialWorker {
  if (mode === 'queue') {
    if (!jobQueue)
      throw new MlpError(
        'FAILED_PRECONDITION',
        'trials on the queue need a job queue: install @mlp/orchestrate and run `mlp train --trials-on queue` with `mlp worker` processes, or pass jobQueue.',
      );
    const jobModule = entryFile('trial-queue-job').href;
    return () => createTrialWorker(queueTransport(jobQueue, jobModule), moduleUrl);
  }
  const name = mode === 'threads' ? 'trial-thread-entry' : 'trial-process-entry';
  const entry = entryFile(name);
  const fromSources = entry.pathname.endsWith('.ts');
  const needsTsx = fromSources || /\.[cm]?tsx?$/.test(new URL(moduleUrl).pathname);
  const tsx = needsTsx ? tsxModule(mode === 'threads' ? 'tsx/esm/api' : 'tsx') : undefined;
  const conditions = fromSources ? ['--conditions=@mlp/source'] : [];
  if (mode === 'processes') {
    const execArgv = [...conditions, ...(tsx ? ['--import', tsx] : [])];
    return () => createTrialWorker(processTransport(fork(fileURLToPath(entry), [], { execArgv, serialization: 'advanced' })), moduleUrl);
  }
  // Node 20 ignores --import in a worker's execArgv, so a .ts worker starts from a bootstrap that registers tsx itself.
  const start = (): Worker =>
    tsx
      ? new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
          eval: true,
          execArgv: conditions,
        })
      : new Worker(entry, { execArgv: [] });
  return () => createTrialWorker(threadTransport(start()), moduleUrl);
}

/** The entry beside this file (sources, or a flat build) or under search/ (a build that keeps folders). */
function entryFile(name: string): URL {
  // The path, not the URL: a module loaded through tsx carries a query (`?tsx-namespace=...`).
  const fromSources = new URL(import.meta.url).pathname.endsWith('.ts');
  const candidates = fromSources ? [`./${name}.ts`] : [`./${name}.js`, `./search/${name}.js`];
  for (const candidate of candidates) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new MlpError(
    'INTERNAL',
    `the trial worker entry ${name} is missing beside ${fileURLToPath(import.meta.url)}; the package build must emit it as its own entry.`,
  );
}

/** tsx's loader (for --import) or its API (to register in a thread), resolved from this package rather than the working directory. */
function tsxModule(specifier: 'tsx' | 'tsx/esm/api'): string {
  try {
    // import.meta.resolve, not require.resolve: the thread needs tsx's ESM API, which `require` resolves to its CJS twin.
    return import.meta.resolve(specifier);
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      'a TypeScript trial module needs tsx to run in a worker; install it (npm install -D tsx) or give a .js module.',
      {
        cause: error,
      },
    );
  }
}

function threadTransport(worker: Worker): TrialTransport {
  let failure: string | undefined;
  worker.on('error', (error) => {
    failure = error instanceof Error ? error.message : String(error);
  });
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (handler) => worker.on('message', handler),
    onExit: (handler) => worker.on('exit', (code) => handler(`worker exited with code ${code}${failure ? ` (${failure})` : ''}`)),
    terminate: () => void worker.terminate(),
  };
}

function processTransport(child: ChildProcess): TrialTransport {
  let failure: string | undefined;
  child.on('error', (error) => {
    failure = error.message;
  });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) => child.on('message', (message) => handler(message as WorkerMessage)),
    onExit: (handler) =>
      child.on('exit', (code, signal) =>
        handler(`worker exited with ${code === null ? `signal ${signal}` : `code ${code}`}${failure ? ` (${failure})` : ''}`),
      ),
    terminate: () => void child.kill(),
  };
}
