// The example pipeline (examples/flights-delay/pipeline.ts) end to end, as `npm run demo` runs it: the
// built `mlp` in real processes on a real PostgreSQL, on a 20,000-row slice of the vega flights with a
// 2-trial search of one epoch. On the local executor, on the queue executor with a real `mlp worker`,
// and its schedule and trigger declarations picked up by `mlp pipeline schedules` and `mlp scheduler`.
// Its features step is checked against DuckDB's own as-of join: no value recorded after a row's time.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openWorkspace, type Workspace } from '@mlp/core';
import { openTabularDb, sqlString, tabularScanSql } from '@mlp/core/tabular';
import { createTempDir, createTestDatabase, type TempDir } from '@mlp/core/testing';
import { openDatasetCatalog } from '@mlp/data-version';
import { openFeatureRegistry, openOnlineFeatures } from '@mlp/features';
import { openRegistry } from '@mlp/registry';
import { createTracking } from '@mlp/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
// The built CLI, as installed: the pipeline module then loads the packages' builds, as in the demo.
const cliBin = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
const pipelineFile = path.join(root, 'examples', 'flights-delay', 'pipeline.ts');
const flights = path.join(root, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
const runTimeoutMs = 480_000;

let data: TempDir;
let slice: string;
/** A smaller, other sample: a second version of the raw dataset. */
let otherSlice: string;
const opened: Array<{ remove(): Promise<void> } | { drop(): Promise<void> }> = [];

beforeAll(async () => {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: build first (npm run build), as npm test does.`);
  data = await createTempDir('mlp-flights-slice-');
  slice = path.join(data.path, 'flights-20k.parquet');
  otherSlice = path.join(data.path, 'flights-5k.parquet');
  const db = await openTabularDb();
  const connection = await db.connect();
  try {
    for (const [file, rows, seed] of [
      [slice, 20_000, 7],
      [otherSlice, 5_000, 8],
    ] as const)
      await connection.run(
        `COPY (SELECT * FROM ${tabularScanSql(flights, 'parquet')} USING SAMPLE ${rows} ROWS (reservoir, ${seed})) TO ${sqlString(file)} (FORMAT parquet)`,
      );
  } finally {
    connection.closeSync();
    await db.close();
  }
});
afterAll(async () => {
  for (const resource of opened.reverse()) await ('drop' in resource ? resource.drop() : resource.remove());
  await data?.remove();
});

interface Env {
  dir: string;
  url: string;
  env: Record<string, string | undefined>;
}

async function freshWorkspace(prefix: string): Promise<Env> {
  const dir = await createTempDir(prefix);
  const database = await createTestDatabase();
  opened.push(dir, database);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MLP_')));
  const ws = { dir: dir.path, url: database.url, env: { ...env, MLP_DATABASE_URL: database.url } };
  expect((await mlp(ws, 'init')).code).toBe(0);
  return ws;
}

interface Started {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** What it printed on stderr so far. */
  stderr(): string;
  /** What it printed on stdout so far. */
  stdout(): string;
}

function start(ws: Env, ...args: string[]): Started {
  const child = spawn(process.execPath, [cliBin, '-C', ws.dir, ...args], { cwd: ws.dir, env: ws.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr, stdout: () => stdout };
}

const mlp = (ws: Env, ...args: string[]) => start(ws, ...args).done;

async function mlpJson<T>(ws: Env, ...args: string[]): Promise<{ code: number | null; json: T }> {
  const { code, stdout, stderr } = await mlp(ws, '--json', ...args);
  try {
    return { code, json: JSON.parse(stdout) as T };
  } catch {
    throw new Error(`mlp ${args.join(' ')} exited ${code} without JSON:\n${stdout}\n${stderr}`);
  }
}

/** Waits for `condition` to hold, polling; fails with `what` when the deadline passes (a generous one, not a threshold). */
async function until<T>(what: string, condition: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface RunJson {
  run_id: string;
  status: string;
  trigger: string;
  trigger_key: string | null;
  tasks: Array<{ name: string; status: string; attempts: number; error: string | null }>;
}

const quick = ['minRows=1000', 'rows=2000', 'trials=2', 'parallel=2', 'epochs=1', 'minAuc=0'].flatMap((pair) => ['--param', pair]);
const steps = ['ingest', 'validate', 'version', 'features', 'train', 'register', 'promote'];
const featureNames = ['origin_departures_1h', 'origin_delay_1h', 'origin_departures_24h', 'origin_delay_24h', 'origin_late_share_24h'];

/** What the run left in the workspace: the dataset versions, the `.dvc` file, the model, the alias, the tracked steps. */
async function expectOutcomes(ws: Env, runId: string): Promise<void> {
  const workspace: Workspace = await openWorkspace({ dir: ws.dir, database: { url: ws.url }, logLevel: 'warn' });
  const tracking = createTracking(workspace);
  const registry = await openRegistry(workspace, { tracking });
  try {
    const catalog = await openDatasetCatalog(workspace);
    const raw = await catalog.getVersion('flights-raw@latest');
    expect(raw.ref).toBe('flights-raw@1');
    expect(raw.source?.kind).toBe('file');
    const training = await catalog.getVersion('flights-delay@validated');
    expect(training.ref).toBe('flights-delay@1');
    expect(readFileSync(path.join(ws.dir, 'data', 'flights-delay.parquet.dvc'), 'utf8')).toContain(`md5: ${training.rootHash}`);

    const model = await registry.getModel('flights-delay');
    expect(model.aliases).toEqual({ champion: 1 });
    const version = await registry.getVersion('flights-delay', 1);
    // It trained on the point-in-time training set of the versioned rows.
    expect(version.tags).toMatchObject({ 'mlp.pipeline.run_id': runId, dataset_version: 'flights-delay-features@1' });
    const trial = await tracking.getRun(version.runId ?? '');
    expect(trial.tags['mlp.validation.success']).toBe('true');
    const [used] = await catalog.lineage.usesOfRun(trial.runId);
    expect(used?.version.ref).toBe('flights-delay-features@1');

    // The steps that asked for a tracking run got one, in the pipeline's experiment, ended FINISHED.
    const runs = (await tracking.searchRuns({ experimentIds: [trial.experimentId], maxResults: 100 })).items;
    const stepRuns = runs.filter((run) => run.tags['mlp.pipeline.run_id'] === runId && run.tags['mlp.pipeline.step']);
    expect(stepRuns.map((run) => [run.name, run.status]).sort()).toEqual([
      ['features', 'FINISHED'],
      ['promote', 'FINISHED'],
      ['validate', 'FINISHED'],
    ]);
    const validate = stepRuns.find((run) => run.name === 'validate');
    expect(validate?.tags['mlp.dataset_version']).toBe('flights-raw@1');
    expect(validate?.metrics.expectations_successful?.value).toBe(6);
    const features = stepRuns.find((run) => run.name === 'features');
    expect(features?.params).toMatchObject({
      views: 'origin_delays@1',
      'source.origin_delays': 'flights-origin-hourly@1',
      entities: 'flights-delay@1',
      training_set: 'flights-delay-features@1',
    });
    expect(features?.metrics.rows?.value).toBe(20_000);
    for (const name of featureNames) {
      // An origin's first hour in the slice has no earlier values: a few nulls, never most.
      const share = features?.metrics[`null_share.${name}`]?.value;
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(0.05);
    }
  } finally {
    await registry.close();
    await tracking.close();
    await workspace.close();
  }
}

/**
 * The features step's outcomes: the view applied with its version, a training set of every versioned
 * row with its label and the features, each value the one DuckDB's as-of join finds at or before the
 * row's time (never one recorded after it), and the online store holding each origin's latest values.
 */
async function expectFeatures(ws: Env): Promise<void> {
  const workspace: Workspace = await openWorkspace({ dir: ws.dir, database: { url: ws.url }, logLevel: 'warn' });
  try {
    const catalog = await openDatasetCatalog(workspace);
    const registry = await openFeatureRegistry(workspace, { datasets: catalog });
    const view = await registry.getView('origin_delays');
    expect([view.version, view.features.map((feature) => feature.name), view.source]).toEqual([
      1,
      featureNames,
      { dataset: 'flights-origin-hourly@latest' },
    ]);
    const training = await catalog.resolve('flights-delay-features@latest');
    const versioned = await catalog.resolve('flights-delay@1');
    const hourly = await catalog.resolve('flights-origin-hourly@1');
    expect(training.version.source).toEqual({
      kind: 'features',
      uri: 'features:origin_delays@1?entities=flights-delay@1&source=flights-origin-hourly@1',
    });

    const db = await openTabularDb();
    const connection = await db.connect();
    const one = async (query: string) => (await connection.runAndReadAll(query)).getRowObjectsJS()[0] as Record<string, unknown>;
    try {
      const set = tabularScanSql(training.path, 'parquet');
      const rows = tabularScanSql(versioned.path, 'parquet');
      const source = tabularScanSql(hourly.path, 'parquet');
      const columns = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${set}`)).getRowObjectsJS().map((row) => row.column_name);
      expect(columns).toEqual(['date', 'delay', 'distance', 'origin', 'destination', ...featureNames]);
      // Every versioned row, in order, its label column as it was.
      const same = await one(
        `SELECT (SELECT count(*) FROM ${rows}) AS versioned, count(*) AS rows,
                count(*) FILTER (WHERE t.delay IS DISTINCT FROM v.delay OR t.date IS DISTINCT FROM v.date OR t.origin IS DISTINCT FROM v.origin) AS changed
         FROM (SELECT row_number() OVER () AS i, * FROM ${set}) t JOIN (SELECT row_number() OVER () AS i, * FROM ${rows}) v USING (i)`,
      );
      expect(same).toEqual({ versioned: 20_000n, rows: 20_000n, changed: 0n });

      const differs = (left: string, right: string) =>
        featureNames.map((name) => `${left}.${name} IS DISTINCT FROM ${right}.${name}`).join(' OR ');
      const checked = await one(
        `WITH t AS (SELECT row_number() OVER () AS i, * FROM ${set}),
              known AS (SELECT t.i, s.* FROM t ASOF LEFT JOIN ${source} s ON t.origin = s.origin AND t.date >= s.known_at),
              later AS (SELECT t.i, s.* FROM t ASOF LEFT JOIN ${source} s ON t.origin = s.origin AND t.date < s.known_at)
         SELECT count(*) FILTER (WHERE t.origin_delay_24h IS NOT NULL) AS with_values,
                count(*) FILTER (WHERE ${differs('t', 'known')}) AS not_as_of,
                count(*) FILTER (WHERE later.known_at IS NOT NULL AND (${differs('later', 'known')})) AS future_differs,
                count(*) FILTER (WHERE later.known_at IS NOT NULL AND (${differs('later', 'known')}) AND NOT (${differs('t', 'later')})) AS leaked
         FROM t JOIN known USING (i) JOIN later USING (i)`,
      );
      expect(checked.with_values).toBeGreaterThan(19_000n);
      // The values known at each row's time, and never those of the next hour recorded after it (its own
      // hour among them), though those differ for most rows: the check could see a leak.
      expect(checked.not_as_of).toBe(0n);
      expect(checked.future_differs).toBeGreaterThan(10_000n);
      expect(checked.leaked).toBe(0n);

      // The online store: each origin's values of its last hour in the source.
      const latest = (
        await connection.runAndReadAll(
          `SELECT origin, ${featureNames.join(', ')} FROM ${source} QUALIFY row_number() OVER (PARTITION BY origin ORDER BY known_at DESC) = 1 ORDER BY origin`,
        )
      ).getRowObjectsJS();
      expect(latest.length).toBeGreaterThan(100);
      const online = await openOnlineFeatures(workspace, { datasets: catalog });
      try {
        const served = await online.getOnlineFeatures({
          view: 'origin_delays',
          entityKeys: latest.map((row) => ({ origin: String(row.origin) })),
        });
        expect(served).toEqual(
          latest.map((row) =>
            Object.fromEntries(featureNames.map((name) => [name, typeof row[name] === 'bigint' ? Number(row[name]) : row[name]])),
          ),
        );
      } finally {
        await online.close();
      }
    } finally {
      connection.closeSync();
      await db.close();
    }
  } finally {
    await workspace.close();
  }
}

/**
 * Serving consistency: `mlp serve --features origin_delays --entity-key-field origin` scores a record of
 * the raw columns as the same record with the online store's features written in, and the model needs
 * them (without, it scores otherwise).
 */
async function expectServedFeatures(ws: Env): Promise<void> {
  const flight = { date: '2001-03-14T08:15:00Z', distance: 954, origin: 'ORD', destination: 'SFO' };
  const online = await mlpJson<{ results: Array<{ features: Record<string, number> | null }> }>(
    ws,
    ...['features', 'get', 'origin_delays', '--key', `origin=${flight.origin}`],
  );
  const features = online.json.results[0]?.features;
  expect(Object.keys(features ?? {})).toEqual(featureNames);
  const server = start(
    ws,
    ...['--json', 'serve', 'models:/flights-delay@champion', '--port', '0', '--features', 'origin_delays', '--entity-key-field', 'origin'],
  );
  try {
    const url = await until('mlp serve to print its URL', async () => {
      if (server.child.exitCode !== null) throw new Error(`mlp serve exited ${server.child.exitCode}: ${server.stderr()}`);
      return /"url":"([^"]+)"/.exec(server.stdout())?.[1];
    });
    const score = async (records: Array<Record<string, unknown>>) => {
      const answer = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: records }),
      });
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { predictions: Array<{ probabilities: Record<string, number> }> }).predictions;
    };
    const [enriched, explicit] = await score([flight, { ...flight, ...features }]);
    expect(enriched?.probabilities).toEqual(explicit?.probabilities);
    // Other features, other score: the model reads them (a record's own values win over the store's).
    const zeroed = Object.fromEntries(featureNames.map((name) => [name, 0]));
    const [other] = await score([{ ...flight, ...zeroed }]);
    expect(other?.probabilities).not.toEqual(explicit?.probabilities);
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
  }
}

describe('the flights-delay example pipeline', () => {
  it(
    'runs end to end on the local executor: dataset versions, a .dvc file, point-in-time features, the model registered and champion, tracked steps',
    async () => {
      const ws = await freshWorkspace('mlp-flights-local-');
      const { code, json } = await mlpJson<RunJson>(ws, 'pipeline', 'run', pipelineFile, '--param', `source=${slice}`, ...quick);
      expect(json.tasks.map((task) => [task.name, task.status, task.error])).toEqual(steps.map((name) => [name, 'succeeded', null]));
      expect(code).toBe(0);
      await expectOutcomes(ws, json.run_id);
      await expectFeatures(ws);
      await expectServedFeatures(ws);
    },
    runTimeoutMs,
  );

  it(
    'runs end to end on the queue executor, every task on a real `mlp worker` process',
    async () => {
      const ws = await freshWorkspace('mlp-flights-queue-');
      const worker = start(ws, 'worker', '--concurrency', '2', '--no-scheduler');
      await until('the worker to be ready', async () => (worker.stderr().includes('mlp worker: ready') ? true : undefined));
      const { code, json } = await mlpJson<RunJson>(
        ws,
        'pipeline',
        'run',
        pipelineFile,
        '--executor',
        'queue',
        '--param',
        `source=${slice}`,
        ...quick,
      );
      expect(json.tasks.map((task) => [task.name, task.status, task.error])).toEqual(steps.map((name) => [name, 'succeeded', null]));
      expect(code).toBe(0);
      worker.child.kill('SIGTERM');
      const stopped = await worker.done;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain(`Worker stopped: ${steps.length} succeeded, 0 failed, 0 cancelled.`);
      for (const name of steps) expect(stopped.stderr).toContain(`succeeded ${name} (run ${json.run_id}, attempt 1)`);
      await expectOutcomes(ws, json.run_id);
    },
    runTimeoutMs,
  );

  it(
    'declares its daily schedule and its trigger: a new version of flights-raw starts exactly one run, on that version',
    async () => {
      const ws = await freshWorkspace('mlp-flights-trigger-');
      // A run records the pipeline with its schedule and triggers; this one stops at once (no such source).
      // (Without --json: a --json run that waits out a retry's backoff currently ends INTERNAL, see run-engine's unref'd timer.)
      expect((await mlp(ws, 'pipeline', 'run', pipelineFile, '--param', 'source=/no/such/flights.parquet')).code).toBe(1);
      const [recorded] = (await mlpJson<RunJson[]>(ws, 'pipeline', 'runs', 'flights-delay')).json;
      const first = await mlpJson<RunJson>(ws, 'pipeline', 'show', recorded?.run_id ?? '');
      expect(first.json.tasks.map((task) => [task.name, task.status])).toEqual([
        ['ingest', 'failed'],
        ...steps.slice(1).map((name) => [name, 'upstream_failed']),
      ]);

      const schedules = await mlpJson<Array<Record<string, unknown>>>(ws, 'pipeline', 'schedules');
      expect(schedules.json).toEqual([
        expect.objectContaining({
          pipeline: 'flights-delay',
          cron: '0 6 * * *',
          timezone: 'America/New_York',
          catchup: 'once',
          error: null,
        }),
      ]);
      expect(schedules.json[0]?.next_tick).toBeGreaterThan(Date.now());

      const scheduler = start(ws, 'scheduler');
      try {
        const workspace = await openWorkspace({ dir: ws.dir, database: { url: ws.url }, logLevel: 'warn' });
        try {
          // Its event consumer starts at the end of the log: wait until it exists before versioning.
          await until('the scheduler’s event consumer', async () => {
            const rows = await workspace.db.query(`select 1 from mlp_event_consumers where consumer = 'orchestrate.triggers'`);
            return rows.length > 0 ? true : undefined;
          });
          const runsOfEvents = async () =>
            (await mlpJson<RunJson[]>(ws, 'pipeline', 'runs', 'flights-delay')).json.filter((run) => run.trigger === 'event');
          // Two new versions, one after the other: each starts one run; the second's run shows the first's event was handled.
          for (const [index, expected] of ['flights-raw@1', 'flights-raw@2'].entries()) {
            const source = index === 0 ? slice : otherSlice;
            const ingested = await mlpJson<{ ref: string }>(
              ws,
              'data',
              'ingest',
              source,
              '--to',
              'data/flights-raw.parquet',
              '--name',
              'flights-raw',
            );
            expect(ingested.json.ref).toBe(expected);
            await until(
              `the run of ${expected}`,
              async () => {
                const runs = await runsOfEvents();
                return runs.length === index + 1 && runs.every((run) => run.status !== 'running' && run.status !== 'queued')
                  ? true
                  : undefined;
              },
              240_000,
            );
          }
          const runs = (await runsOfEvents()).reverse(); // oldest first
          const events = await workspace.db.query<{ event_id: string }>(
            `select id::text as event_id from mlp_events where type = 'dataset_version.created' and payload->>'dataset' = 'flights-raw' order by id`,
          );
          expect(runs.map((run) => run.trigger_key)).toEqual(events.map((event) => `event:${event.event_id}`));
          // Each ran on the version that started it, not on the default source, with the default params:
          // validation wants 100,000 rows, so these small versions stop there.
          for (const [index, run] of runs.entries()) {
            const logs = await mlpJson<Array<{ step: string; message: string }>>(ws, 'pipeline', 'logs', run.run_id, 'ingest');
            expect(logs.json.map((line) => line.message)).toContain(`started by a new version: training on flights-raw@${index + 1}`);
            const shown = await mlpJson<RunJson>(ws, 'pipeline', 'show', run.run_id);
            expect(shown.json.tasks.map((task) => [task.name, task.status])).toEqual([
              ['ingest', 'succeeded'],
              ['validate', 'failed'],
              ...steps.slice(2).map((name) => [name, 'upstream_failed']),
            ]);
            expect(shown.json.tasks[1]?.error).toContain('expectTableRowCountToBeBetween');
          }
        } finally {
          await workspace.close();
        }
      } finally {
        scheduler.child.kill('SIGTERM');
        await scheduler.done;
      }
    },
    runTimeoutMs,
  );
});
