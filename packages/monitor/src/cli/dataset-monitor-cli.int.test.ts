import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { createTempDir, createTestDatabase, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { monitorRunJson } from './json-shapes.js';

// A dataset monitor through the built `mlp`, as users run it: two versions of a dataset made with
// `mlp data ingest` (data-version's catalog, found installed by the CLI), a monitor of the dataset
// against its version 1, a run on its latest version, and the stored window's HTML report.

let dir: TempDir;
let database: Awaited<ReturnType<typeof createTestDatabase>>;

const mlp = (...args: string[]) => workspaceCli({ dir: dir.path, databaseUrl: database.url })(...args);

const csv = (shift: number, origins: string[]) =>
  `delay,origin\n${Array.from({ length: 500 }, (_, i) => `${((i * 7) % 60) + shift},${origins[i % origins.length]}`).join('\n')}\n`;

beforeAll(async () => {
  dir = await createTempDir('mlp-monitor-dataset-cli-');
  database = await createTestDatabase('mlp_monitor_dataset_cli');
  const init = await mlp('init');
  expect(init.code, init.stderr).toBe(0);
  await writeFile(path.join(dir.path, 'january.csv'), csv(0, ['SEA', 'SFO', 'LAX']));
  await writeFile(path.join(dir.path, 'february.csv'), csv(45, ['JFK', 'BOS']));
}, 120_000);
afterAll(async () => {
  await database?.drop();
  await dir?.remove();
});

describe('a dataset monitor on data-version’s catalog, through the built CLI', () => {
  it('compares the dataset’s latest version with version 1, stores the window and writes its report', { timeout: 240_000 }, async () => {
    for (const month of ['january', 'february']) {
      const ingested = await mlp('data', 'ingest', `${month}.csv`, '--to', 'data/flights.parquet');
      expect(ingested.code, ingested.stderr).toBe(0);
    }
    const created = await mlp(
      '--json',
      'monitor',
      'create',
      'flights-data',
      '--dataset',
      'flights',
      '--reference',
      'flights@1',
      '--alert',
      'drift_share>=0.5',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(parseJsonOutput(created)).toMatchObject({
      source: { kind: 'dataset', dataset: 'flights' },
      reference: { kind: 'dataset', ref: 'flights@1' },
    });

    const run = await mlp('--json', 'monitor', 'run', 'flights-data');
    expect(run.code, run.stderr).toBe(1); // dataset drift
    const result = parseJsonOutput<ReturnType<typeof monitorRunJson>>(run);
    expect(jsonConventionViolations(result)).toEqual([]);
    expect(result).toMatchObject({ rows: 500, current: 'flights@latest', dataset_drift: true, drift_share: 1 });
    expect(result.reference.rows).toBe(500);
    expect(result.columns.map((column) => [column.column, column.drifted])).toEqual([
      ['delay', true],
      ['origin', true],
    ]);
    expect(result.alerts.map((alert) => [alert.kind, alert.rule])).toEqual([['fired', 'drift_share']]);

    const shown = await mlp('monitor', 'show', 'flights-data', '--report', 'report.html');
    expect(shown.code, shown.stderr).toBe(0);
    const html = await readFile(path.join(dir.path, 'report.html'), 'utf8');
    expect(html).toContain('Dataset drift detected: 2 of 2 tested columns drifted');
    expect(html).toContain('flights@latest');
    expect(html).toContain('distributions are not stored with a monitor’s window results');
    expect(html).not.toContain(dir.path);

    const missing = await mlp('monitor', 'show', 'flights-data', '--report', 'old.html', '--window-end', '2020-01-01T00:00:00Z');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('has no stored window ending at 2020-01-01T00:00:00.000Z');
  });
});
