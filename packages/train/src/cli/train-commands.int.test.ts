import { type ChildProcess, spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CapturedRun,
  type CliCommandModule,
  freeformJsonKeys,
  jsonConventionViolations,
  parseJsonOutput,
  runCliCaptured,
  withoutMlpVariables,
} from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { createTracking, trackingMigrations } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from '../test-support/train-fixture.js';
import { trainCommands } from './train-commands.js';

// `mlp train` and `mlp predict` run in-process through the real CLI against a workspace on a fresh
// PostgreSQL database; the kill test runs the CLI as its own process and SIGKILLs it mid-search.

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');
let fx: TrainFixture;
let env: Record<string, string | undefined>;
let specFile: string;
let csv: string;

type TrainJson = {
  parent_run_id: string | null;
  best_run_id: string;
  best_metrics: Record<string, number>;
  package: string;
  trials: { run_id: string; index: number; params: Record<string, unknown>; metrics: Record<string, number>; status: string }[];
};

function mlp(args: string[], modules: CliCommandModule[] = [trainCommands]): Promise<CapturedRun> {
  return runCliCaptured(['-C', fx.dir, ...args], { modules, cwd: fx.dir, env });
}

beforeAll(async () => {
  fx = await openTrainFixture();
  env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
  csv = path.join(fx.dir, 'flights.csv');
  await writeFlightsLikeCsv(csv, 1500);
  specFile = path.join(fx.dir, 'spec.yaml');
  await writeFile(
    specFile,
    [
      'experiment: cli-int',
      'data: flights.csv',
      'target: late',
      'features: [distance, { name: origin, type: categorical }, { name: date, type: date, parts: [hour] }]',
      'model: { type: mlp, hiddenUnits: [8] }',
      'epochs: 3',
      'batchSize: 128',
      'backend: cpu',
      'search:',
      '  sampler: random',
      '  trials: 3',
      '  parallel: 1',
      '  space:',
      '    optimizer.learningRate: { type: float, low: 0.001, high: 0.03, log: true }',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp train and mlp predict', () => {
  it('mlp train --json prints the parent, the best run and every trial', async () => {
    const run = await mlp(['train', specFile, '--trials', '2', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = parseJsonOutput<TrainJson>(run);
    // Metric names and class labels are the user's: the rest follows the CLI's snake_case convention.
    const freeform = [...freeformJsonKeys, 'best_metrics', 'probabilities'];
    expect(jsonConventionViolations(json, { freeform })).toEqual([]);
    expect(json.parent_run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(json.trials).toHaveLength(2);
    expect(json.trials.map((trial) => trial.status)).toEqual(['FINISHED', 'FINISHED']);
    expect(json.trials.map((trial) => trial.run_id)).toContain(json.best_run_id);
    expect(json.best_metrics.val_auc).toBeGreaterThan(0.5);
    expect(Object.keys(json.trials[0]?.params ?? {})).toEqual(['optimizer.learningRate']);

    const predicted = await mlp(['predict', json.package, csv, '--json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const out = parseJsonOutput<{ count: number; predictions: { prediction: boolean; probabilities: Record<string, number> }[] }>(
      predicted,
    );
    expect(out.count).toBe(1500);
    expect(jsonConventionViolations(out, { freeform })).toEqual([]);
    const onnx = parseJsonOutput<typeof out>(await mlp(['predict', json.package, csv, '--runtime', 'onnx', '--json']));
    out.predictions.forEach((prediction, row) => {
      expect(onnx.predictions[row]?.probabilities.true).toBeCloseTo(prediction.probabilities.true as number, 5);
    });
  });

  it('fails with a clear message and a non-zero exit: a bad spec, a dataset without a catalog, bad flags', async () => {
    const bad = path.join(fx.dir, 'bad.yaml');
    await writeFile(bad, 'data: flights.csv\ntarget: late\nfeatures: [distance]\nmodel: { type: mlp, hiddenUnits: [0] }\n');
    const spec = await mlp(['train', bad]);
    expect(spec.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(spec.stderr).toContain('model');
    const ref = path.join(fx.dir, 'ref.yaml');
    await writeFile(ref, 'data: flights@3\ntarget: late\nfeatures: [distance]\n');
    const noCatalog = await mlp(['train', ref]);
    expect(noCatalog.code).toBe(exitCodeFor('FAILED_PRECONDITION'));
    expect(noCatalog.stderr).toContain('flights@3');
    expect((await mlp(['train', specFile, '--trials', 'x'])).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect((await mlp(['predict', fx.dir, csv])).code).toBe(exitCodeFor('INVALID_ARGUMENT'));
  });

  it('reads a dataset version through the catalog another module provides, and records it on every run', async () => {
    const recorded: { runId: string; datasetVersion: string }[] = [];
    const version = { ref: 'flights@3', rootHash: 'f'.repeat(32), size: 1, nfiles: 1, source: null, schema: null };
    const catalogModule: CliCommandModule = {
      name: 'catalog-stand-in',
      services: {
        datasetCatalog: async () => ({
          resolve: async (name: string) => {
            expect(name).toBe('flights@latest');
            return { path: csv, version };
          },
          lineage: {
            recordUse: async (use: { runId: string; datasetVersion: string }) => {
              recorded.push(use);
              return { version };
            },
            usesOfRun: async () => [],
          },
        }),
      },
      register() {},
    };
    const ref = path.join(fx.dir, 'dataset.yaml');
    await writeFile(ref, 'data: flights@latest\ntarget: late\nfeatures: [distance]\nepochs: 2\nbackend: cpu\n');
    const run = await mlp(['train', ref, '--json'], [trainCommands, catalogModule]);
    expect(run.code, run.stderr).toBe(0);
    const json = parseJsonOutput<TrainJson>(run);
    expect(recorded).toEqual([{ runId: json.best_run_id, datasetVersion: 'flights@3', role: 'input' }]);
  });

  it('a search SIGKILLed mid-way resumes with --resume alone: its recorded --trials, finished trials kept, the rest run', async () => {
    await fx.workspace.migrate(trackingMigrations); // the tables polled below, whichever test runs first
    const started = Date.now();
    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', fx.dir, 'train', specFile, '--trials', '4', '--log-level', 'warn'],
      { env: { ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const tracking = createTracking(fx.workspace, { handleSignals: false, captureProvenance: false });
    try {
      // Kill the process once two trials have finished; a CLI that exits first fails the test with its stderr.
      let parentRunId = '';
      for (let waited = 0; waited < 120_000; waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (child.exitCode !== null) throw new Error(`mlp train exited ${child.exitCode} before two trials finished: ${stderr}`);
        const experiment = await fx.workspace.db.query<{ run_id: string; parent: string | null; status: string | null }>(
          `select r.run_id, r.parent_run_id as parent, t.value as status from tracking_runs r
             join tracking_experiments e on e.experiment_id = r.experiment_id and e.name = 'cli-int'
             left join tracking_tags t on t.run_id = r.run_id and t.key = 'mlp.trial.status'
           where r.start_time > $1`,
          [started],
        );
        const finished = experiment.filter((row) => row.status === 'FINISHED');
        if (finished.length >= 2) {
          parentRunId = finished[0]?.parent ?? '';
          child.kill('SIGKILL');
          break;
        }
      }
      await new Promise((resolve) => child.once('exit', resolve));
      expect(parentRunId).toMatch(/^[0-9a-f]{32}$/);

      // Without --trials: the resume takes the 4 trials the search started with (the spec says 3).
      // And by a prefix of the id, as the CLI prints ids.
      const resumed = await mlp(['train', specFile, '--resume', parentRunId.slice(0, 12), '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const json = parseJsonOutput<TrainJson>(resumed);
      expect(json.parent_run_id).toBe(parentRunId);
      expect(json.trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3]);
      expect(json.trials.every((trial) => trial.status === 'FINISHED')).toBe(true);
      // The best package is at .mlp/train/<best run id>, whichever session trained it.
      expect(json.package).toBe(path.join(fx.dir, '.mlp', 'train', json.best_run_id));
      expect((await stat(path.join(json.package, 'mlp-model.json'))).isFile()).toBe(true);
      expect((await tracking.getRun(parentRunId)).status).toBe('FINISHED');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await tracking.close();
    }
  });
});
