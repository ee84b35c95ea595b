import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import type { datasetSummaryJson, datasetVersionJson } from '@mlp/core';
import { openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCommands } from './data-commands.js';

type DatasetVersionJson = ReturnType<typeof datasetVersionJson>;
type DatasetSummaryJson = ReturnType<typeof datasetSummaryJson>;

// `mlp data ls|log|tag|ingest` through the real CLI (parsing, output, exit codes) on the embedded database.

const vega = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data');
const env = { ...withoutMlpVariables(process.env), MLP_USER: 'margaret' };

let temp: TempDir;
let workspace: Workspace;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', temp.path, ...args], { modules: [dataCommands], cwd: temp.path, env: env });
}

async function mlpJson<T>(...args: string[]): Promise<{ code: number; json: T }> {
  const result = await mlp('--json', ...args);
  const json = parseJsonOutput<T>(result);
  // Every --json document of `mlp data` follows the CLI convention: snake_case keys, times in epoch ms.
  expect(jsonConventionViolations(json)).toEqual([]);
  return { code: result.code, json };
}

beforeAll(async () => {
  temp = await createTempDir('mlp-catalog-cli-');
  // Kept open for the whole file, so the CLI's own opens share its embedded server.
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
});

afterAll(async () => {
  await workspace.close();
  await temp.remove();
});

describe('mlp data ingest, log, ls, tag', () => {
  it('ingests a file as Parquet and prints the version as JSON', async () => {
    const { code, json } = await mlpJson<{ ref: string; created: boolean; rows: number; path: string; version: DatasetVersionJson }>(
      'data',
      'ingest',
      path.join(vega, 'seattle-weather.csv'),
      '--to',
      'data/weather.parquet',
      '--tag',
      'train-2026-11',
      '-m',
      'first import',
    );
    expect(code).toBe(0);
    expect(json).toMatchObject({ ref: 'weather@1', created: true, rows: 1461, path: path.join(temp.path, 'data', 'weather.parquet') });
    expect(json.version).toMatchObject({ created_by: 'margaret', message: 'first import', tags: ['train-2026-11'], format: 'parquet' });
    expect(json.version.created_at).toBeLessThanOrEqual(Date.now());
    expect(json.version.created_at).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(await readFile(path.join(temp.path, 'data', 'weather.parquet.dvc'), 'utf8')).toContain(json.version.root_hash);
  });

  it('says so in words without --json, and a second version follows', async () => {
    const first = await mlp('data', 'ingest', path.join(vega, 'seattle-weather.csv'), '--to', 'data/weather.parquet');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Unchanged: weather@1 → data\/weather\.parquet \(1,461 rows, [\d.]+ KiB, md5 [0-9a-f]{32}\)\n$/);
    const second = await mlp('data', 'ingest', path.join(vega, 'weather.csv'), '--to', 'data/weather.parquet', '--name', 'weather');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Ingested weather@2 → data\/weather\.parquet \(2,922 rows/);
  });

  it('logs versions newest first, as a table and as JSON', async () => {
    const table = await mlp('data', 'log', 'weather');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^version\s+tags\s+hash\s+size\s+rows\s+created\s+by\s+source$/);
    expect(lines[1]).toMatch(/^weather@2\s+[0-9a-f]{12}\s+.*2,922.*margaret\s+.*weather\.csv$/);
    expect(lines[2]).toMatch(/^weather@1\s+train-2026-11\s+[0-9a-f]{12}\s+.*1,461/);
    const { json } = await mlpJson<DatasetVersionJson[]>('data', 'log', 'weather', '--limit', '1');
    expect(json.map((version) => version.ref)).toEqual(['weather@2']);
  });

  it('shows one version with its columns', async () => {
    const shown = await mlp('data', 'show', 'weather@1');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^version {2}weather@1\ntags {5}train-2026-11\npath {5}data\/weather\.parquet\n/);
    expect(shown.stdout).toContain('\ncolumns:\n  date           DATE\n  precipitation  DOUBLE\n');
    expect(shown.stdout).toContain('message  first import');
    const { json } = await mlpJson<DatasetVersionJson>('data', 'show', 'weather');
    expect(json.ref).toBe('weather@2');
  });

  it('moves a tag and lists datasets with their latest version', async () => {
    const moved = await mlpJson<DatasetVersionJson>('data', 'tag', 'weather@latest', 'train-2026-11');
    expect(moved.json).toMatchObject({ ref: 'weather@2', tags: ['train-2026-11'] });
    const { json } = await mlpJson<DatasetSummaryJson[]>('data', 'ls');
    expect(json.map((dataset) => [dataset.name, dataset.version_count, dataset.latest?.ref])).toEqual([['weather', 2, 'weather@2']]);
    const table = await mlp('data', 'ls');
    expect(table.stdout).toMatch(/^dataset\s+latest\s+versions\s+size\s+rows\s+updated/);
    expect(table.stdout).toMatch(/\nweather\s+@2 \(train-2026-11\)\s+2\s+/);
  });

  it('fails with the error table exit codes on bad input', async () => {
    const unknown = await mlp('data', 'log', 'nope');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('Unknown dataset "nope"');
    const format = await mlp('data', 'ingest', path.join(vega, 'weather.csv'), '--to', 'data/w.csv', '--format', 'xlsx');
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be csv or parquet');
    const missingTo = await mlp('data', 'ingest', path.join(vega, 'weather.csv'));
    expect(missingTo.code).not.toBe(0);
    expect(missingTo.stderr).toContain('--to');
    const badLimit = await mlp('data', 'log', 'weather', '--limit', '0');
    expect(badLimit.code).toBe(2);
  });
});
