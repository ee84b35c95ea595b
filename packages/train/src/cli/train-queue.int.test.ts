import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  type CliCommandModule,
  jsonConventionViolations,
  loadInstalledModules,
  parseJsonOutput,
  runCliCaptured,
  withoutMlpVariables,
} from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from '../test-support/train-fixture.js';
import { trainCommands } from './train-commands.js';

// `mlp train --trials-on queue` in-process through the real CLI, with @mlp/orchestrate's command
// module installed (it provides the job queue), and its trials trained by two real `mlp worker` processes.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let fx: TrainFixture;
let env: Record<string, string | undefined>;
let specFile: string;
let modules: CliCommandModule[];
const workers: { child: ReturnType<typeof spawn>; lines: string[] }[] = [];

type TrainJson = {
  best_run_id: string;
  best_metrics: Record<string, number>;
  trials: { run_id: string; index: number; params: Record<string, unknown>; metrics: Record<string, number>; status: string }[];
};

function mlp(args: string[], with_: CliCommandModule[] = modules) {
  return runCliCaptured(['-C', fx.dir, ...args], { modules: with_, cwd: fx.dir, env });
}

function spawnWorker(): Promise<void> {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', fx.dir, 'worker', '--concurrency', '1', '--lease-ms', '3000'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const worker = { child, lines: [] as string[] };
  workers.push(worker);
  return new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr }).on('line', (line) => {
      worker.lines.push(line);
      if (line.startsWith('mlp worker: ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`mlp worker exited (${code}) before it was ready: ${worker.lines.join('\n')}`)));
  });
}

beforeAll(async () => {
  fx = await openTrainFixture();
  env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
  modules = [trainCommands, ...(await loadInstalledModules(['@mlp/orchestrate/cli']))];
  await writeFlightsLikeCsv(path.join(fx.dir, 'flights.csv'), 600);
  specFile = path.join(fx.dir, 'spec.yaml');
  await writeFile(
    specFile,
    [
      'experiment: queue-int',
      'data: flights.csv',
      'target: late',
      'features: [distance, { name: origin, type: categorical }, { name: date, type: date, parts: [hour] }]',
      'model: { type: mlp, hiddenUnits: [8] }',
      'epochs: 3',
      'batchSize: 128',
      'backend: cpu',
      'seed: 7',
      'search:',
      '  sampler: random',
      '  trials: 3',
      '  parallel: 2',
      '  space:',
      '    optimizer.learningRate: { type: float, low: 0.001, high: 0.03, log: true }',
      '',
    ].join('\n'),
  );
  // One after the other: workers starting at once on a fresh database race to create graphile-worker's schema.
  await spawnWorker();
  await spawnWorker();
}, 120_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await fx?.cleanup();
});

describe('mlp train --trials-on queue', () => {
  it('trains every trial on `mlp worker` processes, with the params and best metrics of the same search in threads', async () => {
    const queued = await mlp(['train', specFile, '--trials-on', 'queue', '--json']);
    expect(queued.code, queued.stderr).toBe(0);
    const onQueue = parseJsonOutput<TrainJson>(queued);
    const local = parseJsonOutput<TrainJson>(await mlp(['train', specFile, '--json']));
    expect(jsonConventionViolations(onQueue, { freeform: ['best_metrics', 'metrics', 'params'] })).toEqual([]);
    expect(onQueue.trials.map((trial) => trial.status)).toEqual(['FINISHED', 'FINISHED', 'FINISHED']);
    expect(onQueue.trials.map((trial) => trial.params)).toEqual(local.trials.map((trial) => trial.params));
    const bestIndex = (json: TrainJson) => json.trials.find((trial) => trial.run_id === json.best_run_id)?.index;
    expect(bestIndex(onQueue)).toBe(bestIndex(local));
    // The same trainings, wherever they ran (timings aside).
    for (const [name, value] of Object.entries(local.best_metrics))
      if (!/time|second/.test(name)) expect(onQueue.best_metrics[name], name).toBeCloseTo(value, 4);
    // Each trial ran on one of the workers, none here.
    const ran = workers.flatMap((worker) => worker.lines.filter((line) => /^finished job trial \d$/.test(line)));
    expect(ran.sort()).toEqual(['finished job trial 0', 'finished job trial 1', 'finished job trial 2']);
  }, 300_000);

  it('without a module providing the job queue, or with an unknown placement, fails with what to do', async () => {
    const alone = await mlp(['train', specFile, '--trials-on', 'queue'], [trainCommands]);
    expect(alone.code).toBe(exitCodeFor('FAILED_PRECONDITION'));
    expect(alone.stderr).toContain('@mlp/orchestrate');
    const bad = await mlp(['train', specFile, '--trials-on', 'cluster']);
    expect(bad.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(bad.stderr).toContain('threads, processes or queue');
  });
});
