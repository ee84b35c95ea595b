import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, type CliCommandModule, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { exitCodeFor } from '@mlp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTrainFixture, type TrainFixture, writeFlightsLikeCsv } from '../test-support/train-fixture.js';
import { trainCommands } from './train-commands.js';

// `mlp predict` through the real CLI against a workspace on a fresh PostgreSQL database: packages
// named by folder, run id (or prefix) and registered model; invalid rows; streamed output.

let fx: TrainFixture;
let env: Record<string, string | undefined>;
let csv: string;
let bestRunId: string;

type PredictJson = {
  count: number;
  rows: number;
  invalid: number;
  skipped?: number;
  predictions: { row: number; prediction: boolean | null; probabilities?: Record<string, number>; invalid?: string }[];
};

function mlp(args: string[], modules: CliCommandModule[] = [trainCommands]): Promise<CapturedRun> {
  return runCliCaptured(['-C', fx.dir, ...args], { modules, cwd: fx.dir, env });
}

async function predictJson(args: string[], modules?: CliCommandModule[]): Promise<PredictJson> {
  const run = await mlp(['predict', ...args, '--json'], modules);
  expect(run.code, run.stderr).toBe(0);
  return parseJsonOutput<PredictJson>(run);
}

beforeAll(async () => {
  fx = await openTrainFixture();
  env = { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url };
  csv = path.join(fx.dir, 'flights.csv');
  await writeFlightsLikeCsv(csv, 1500);
  const spec = path.join(fx.dir, 'spec.yaml');
  await writeFile(
    spec,
    [
      'experiment: predict-int',
      'data: flights.csv',
      'target: late',
      'features: [distance, { name: origin, type: categorical }, { name: date, type: date, parts: [hour] }]',
      'model: { type: mlp, hiddenUnits: [8] }',
      'epochs: 2',
      'batchSize: 128',
      'backend: cpu',
      'search: { sampler: random, trials: 2, parallel: 1, space: { optimizer.learningRate: { type: float, low: 0.001, high: 0.03 } } }',
      '',
    ].join('\n'),
  );
  const run = await mlp(['train', spec, '--json']);
  expect(run.code, run.stderr).toBe(0);
  bestRunId = parseJsonOutput<{ best_run_id: string }>(run).best_run_id;
});
afterAll(async () => {
  await fx?.cleanup();
});

describe('mlp predict: which package', () => {
  it("finds a search's best package at .mlp/train/<best run id>, and by runs:/<id>, a bare prefix or runs:/<prefix>", async () => {
    const folder = path.join(fx.dir, '.mlp', 'train', bestRunId);
    expect((await stat(path.join(folder, 'mlp-model.json'))).isFile()).toBe(true);
    const byFolder = await predictJson([`.mlp/train/${bestRunId}`, csv]);
    expect(byFolder.count).toBe(1500);
    for (const reference of [`runs:/${bestRunId}`, bestRunId.slice(0, 8), `runs:/${bestRunId.slice(0, 6)}`]) {
      expect((await predictJson([reference, csv])).predictions).toEqual(byFolder.predictions);
    }
  });

  it('refuses an ambiguous run id prefix listing the candidates, and an unknown one', async () => {
    // Among 17 run ids two share a first digit: create runs until the workspace has such a pair.
    const ids = new Map<string, string[]>();
    const runs = await fx.workspace.db.query<{ run_id: string }>('select run_id from tracking_runs');
    for (const { run_id } of runs) ids.set(run_id[0] as string, [...(ids.get(run_id[0] as string) ?? []), run_id]);
    while (![...ids.values()].some((group) => group.length > 1)) {
      const run = await fx.tracking.startRun({ experiment: 'prefixes' });
      await run.end();
      ids.set(run.runId[0] as string, [...(ids.get(run.runId[0] as string) ?? []), run.runId]);
    }
    const [prefix, group] = [...ids.entries()].find(([, candidates]) => candidates.length > 1) as [string, string[]];
    const ambiguous = await mlp(['predict', `runs:/${prefix}`, csv]);
    expect(ambiguous.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(ambiguous.stderr).toContain('ambiguous');
    for (const runId of group.slice(0, 10)) expect(ambiguous.stderr).toContain(runId);
    const unknown = await mlp(['predict', 'runs:/' + 'f'.repeat(31), csv]);
    expect(unknown.code).toBe(exitCodeFor('NOT_FOUND'));
  });

  it('downloads models:/name@alias through the registry service another module provides', async () => {
    const requested: string[] = [];
    const registryModule: CliCommandModule = {
      name: 'registry-stand-in',
      services: {
        modelRegistry: async () => ({
          download: async (reference: string, outDir: string) => {
            requested.push(reference);
            await cp(path.join(fx.dir, '.mlp', 'train', bestRunId), outDir, { recursive: true });
            return { version: { name: 'flights', version: 3 } };
          },
          resolve: async () => ({ name: 'flights', version: 3, runId: bestRunId }),
        }),
      },
      register() {},
    };
    const registered = await predictJson(['models:/flights@champion', csv], [trainCommands, registryModule]);
    expect(requested).toEqual(['models:/flights@champion']);
    expect(registered.predictions).toEqual((await predictJson([`runs:/${bestRunId}`, csv])).predictions);
    const without = await mlp(['predict', 'models:/flights@champion', csv]);
    expect(without.code).toBe(exitCodeFor('FAILED_PRECONDITION'));
    expect(without.stderr).toContain('@mlp/registry');
  });
});

describe('mlp predict: the data', () => {
  it('streams --out in chunks: every row once, in order, as --json gives them', async () => {
    const out = path.join(fx.dir, 'predictions.jsonl');
    const run = await mlp(['predict', `runs:/${bestRunId}`, csv, '--out', out, '--chunk-rows', '256', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(parseJsonOutput<{ count: number }>(run).count).toBe(1500);
    const lines = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.row)).toEqual(Array.from({ length: 1500 }, (_, index) => index + 1));
    expect(lines).toEqual((await predictJson([`runs:/${bestRunId}`, csv])).predictions);
  });

  it('refuses invalid values by default naming row and column; --on-invalid null flags them, skip leaves them out', async () => {
    const text = await readFile(csv, 'utf8');
    const lines = text.trimEnd().split('\n');
    // Data rows 3 and 5 (lines 4 and 6): text in a number column, a non-date in a date column; row 7 misses its distance (imputed).
    lines[3] = lines[3]?.replace(/^([^,]*),(\d+),/, '$1,abc,') as string;
    lines[5] = lines[5]?.replace(/^[^,]*,/, 'not-a-date,') as string;
    lines[7] = lines[7]?.replace(/^([^,]*),(\d+),/, '$1,,') as string;
    const garbage = path.join(fx.dir, 'garbage.csv');
    await writeFile(garbage, `${lines.join('\n')}\n`);

    const refused = await mlp(['predict', `runs:/${bestRunId}`, garbage]);
    expect(refused.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(refused.stderr).toContain('row 3');
    expect(refused.stderr).toContain('feature "distance": "abc" is not a number');

    const flagged = await predictJson([`runs:/${bestRunId}`, garbage, '--on-invalid', 'null']);
    expect(flagged).toMatchObject({ count: 1500, rows: 1500, invalid: 2 });
    expect(flagged.predictions[2]).toEqual({ row: 3, prediction: null, invalid: 'feature "distance": "abc" is not a number' });
    expect(flagged.predictions[4]).toEqual({ row: 5, prediction: null, invalid: 'feature "date": "not-a-date" is not a timestamp' });
    expect(typeof flagged.predictions[6]?.prediction).toBe('boolean');

    const skipped = await predictJson([`runs:/${bestRunId}`, garbage, '--on-invalid', 'skip']);
    expect(skipped).toMatchObject({ count: 1498, invalid: 2, skipped: 2 });
    expect(skipped.predictions.map((line) => line.row)).not.toContain(3);
  });

  it('names the line of a malformed CSV row, in mlp predict and in mlp train', async () => {
    const lines = (await readFile(csv, 'utf8')).trimEnd().split('\n');
    lines[1500] = `${lines[1500]},surplus`; // line 1501
    const malformed = path.join(fx.dir, 'malformed.csv');
    await writeFile(malformed, `${lines.join('\n')}\n`);
    const predicted = await mlp(['predict', `runs:/${bestRunId}`, malformed]);
    expect(predicted.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(predicted.stderr).toContain('line 1501 has 6 fields; the header has 5');
    const spec = path.join(fx.dir, 'malformed.yaml');
    await writeFile(spec, 'data: malformed.csv\ntarget: late\nfeatures: [distance]\nepochs: 1\nbackend: cpu\n');
    const trained = await mlp(['train', spec]);
    expect(trained.code).toBe(exitCodeFor('INVALID_ARGUMENT'));
    expect(trained.stderr).toContain('line 1501');
    expect(trained.stderr).not.toContain('has no column');
  });
});
