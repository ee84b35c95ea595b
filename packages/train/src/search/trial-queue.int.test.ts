import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type CliCommandModule, loadInstalledModules, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import type { JobQueue } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchSpec, searchSchema } from '../spec/train-spec.js';
import type { QuadraticInput } from './fixtures/quadratic-trial.js';
import { type RunSearchOptions, runSearch, type SearchResult } from './run-search.js';

// Trials as jobs on the workspace's queue, run by real `mlp worker` processes. The job queue comes
// from @mlp/orchestrate's CLI module as the `jobQueue` service, as `mlp train --trials-on queue` gets
// it: @mlp/train never imports @mlp/orchestrate.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
const fixture = new URL('./fixtures/quadratic-trial.ts', import.meta.url).href;
const space = { x: { type: 'float', low: -2, high: 2 }, y: { type: 'float', low: -2, high: 2 } };
const epochs = 6;

/** A real `mlp worker` process (from the sources); its progress lines say which trials it runs. */
function spawnWorker(dir: string, url: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, 'worker', '--concurrency', '1', '--lease-ms', '1500'],
    { env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (pattern: RegExp) => {
    for (;;) {
      if (lines.some((line) => pattern.test(line))) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, lines, next };
}

let test: TestWorkspace;
const workers: ReturnType<typeof spawnWorker>[] = [];
let orchestrateModules: CliCommandModule[];

beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-train-trial-queue-');
  orchestrateModules = await loadInstalledModules(['@mlp/orchestrate/cli']);
  const { dir, database } = test.workspace.config;
  // One after the other: workers starting at once on a fresh database race to create graphile-worker's schema.
  for (let i = 0; i < 2; i++) {
    const worker = spawnWorker(dir, database.url);
    await worker.next(/^mlp worker: ready/);
    workers.push(worker);
  }
}, 90_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await test?.cleanup();
});

/** Runs `work` inside an `mlp` command with the job queue the installed @mlp/orchestrate provides. */
async function withJobQueue<T>(work: (queue: JobQueue) => Promise<T>): Promise<T> {
  let result: { value: T } | undefined;
  const probe: CliCommandModule = {
    name: 'trial-queue-probe',
    register(program, context) {
      program.command('probe').action(async () => {
        const queue = await context.service('jobQueue');
        if (!queue) return context.fail('FAILED_PRECONDITION', 'no installed module provides the jobQueue service');
        result = { value: await work(queue) };
        context.output('done', { done: true });
      });
    },
  };
  const run = await runCliCaptured(['-C', test.workspace.config.dir, 'probe'], {
    modules: [probe, ...orchestrateModules],
    cwd: test.workspace.config.dir,
    env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: test.workspace.config.database.url },
  });
  expect(run.code, run.stderr).toBe(0);
  return (result as { value: T }).value;
}

function quadraticSearch(overrides: Partial<SearchSpec>, onEpoch?: RunSearchOptions['onEpoch']) {
  const epochPids = new Map<number, Set<number>>();
  const options: RunSearchOptions = {
    search: searchSchema.parse({
      space,
      sampler: 'random',
      trials: 6,
      parallel: 2,
      metric: 'val_loss',
      direction: 'minimize',
      pruner: { type: 'asha', minEpochs: 1, reductionFactor: 2 },
      ...overrides,
    }),
    seed: 11,
    maxEpochs: epochs,
    module: fixture,
    makeInput: (_index, params): QuadraticInput => ({ params: params as QuadraticInput['params'], epochs, work: 20_000, reportPid: true }),
    objective: (result) => (result as { val_loss?: number }).val_loss,
    onTrialStart: async () => {},
    onEpoch: async (index, epoch, metrics) => {
      if (metrics.pid !== undefined) epochPids.set(index, (epochPids.get(index) ?? new Set()).add(metrics.pid));
      await onEpoch?.(index, epoch, metrics);
    },
    onTrialEnd: async () => {},
  };
  return { options, epochPids };
}

function expectSameSearch(queued: SearchResult, local: SearchResult) {
  expect(queued.trials.map((trial) => trial.params)).toEqual(local.trials.map((trial) => trial.params));
  expect(queued.best?.index).toBe(local.best?.index);
  expect(queued.best?.value).toBeCloseTo(local.best?.value as number, 9);
  expect(queued.best?.status).toBe('FINISHED');
}

describe('a search with its trials on the queue, over two `mlp worker` processes', () => {
  it('samples the same params and finds the same best trial (same metrics) as the same search in worker threads, ASHA pruning on', async () => {
    const local = await runSearch(quadraticSearch({ workers: 'threads' }).options);
    const queuedSearch = quadraticSearch({ workers: 'queue' });
    const queued = await withJobQueue((jobQueue) => runSearch({ ...queuedSearch.options, jobQueue }));
    expectSameSearch(queued, local);
    // Every trial ran in a worker process, not here, and the pruner judged them all: some stopped early.
    const pids = new Set(workers.map((w) => w.child.pid));
    for (const trial of queued.trials) {
      expect([...(queuedSearch.epochPids.get(trial.index) ?? [])].every((pid) => pids.has(pid))).toBe(true);
      expect(trial.intermediate?.map((point) => point.epoch)).toEqual(
        Array.from({ length: trial.intermediate?.length ?? 0 }, (_, i) => i + 1),
      );
    }
    expect(queued.trials.some((trial) => trial.status === 'PRUNED')).toBe(true);
    expect(queued.trials.filter((trial) => trial.status === 'FAILED')).toEqual([]);
  }, 180_000);

  it('a worker SIGKILLed mid-trial: the trial runs again on the other worker and the search completes with the same best', async () => {
    const local = await runSearch(quadraticSearch({ workers: 'threads', pruner: 'none', trials: 3, parallel: 1 }).options);
    let victim: number | undefined;
    const queuedSearch = quadraticSearch({ workers: 'queue', pruner: 'none', trials: 3, parallel: 1 }, (index, epoch, metrics) => {
      if (index === 1 && epoch === 2 && victim === undefined) {
        victim = metrics.pid;
        workers.find((w) => w.child.pid === victim)?.child.kill('SIGKILL');
      }
    });
    const queued = await withJobQueue((jobQueue) => runSearch({ ...queuedSearch.options, jobQueue }));
    expect(victim).toBeDefined();
    expectSameSearch(queued, local);
    expect(queued.trials.map((trial) => trial.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    // Trial 1 reported from the killed worker, then from the other one, which ran it again from epoch 1.
    const ranOn = [...(queuedSearch.epochPids.get(1) ?? [])];
    expect(ranOn).toHaveLength(2);
    expect(ranOn[0]).toBe(victim);
    expect(queued.trials[1]?.intermediate?.map((point) => point.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(queued.trials[1]?.value).toBeCloseTo(local.trials[1]?.value as number, 9);
  }, 180_000);
});
