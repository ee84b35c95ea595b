import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { driftJson } from './json-shapes.js';
import { monitorCommands } from './monitor-commands.js';

// The command runs in-process through the real CLI (parsing, output, exit codes) on real files.

const flights2k = path.resolve(import.meta.dirname, '../../../../node_modules/vega-datasets/data/flights-2k.json');
const env = withoutMlpVariables(process.env);
let temp: TempDir;
let shifted: string;
let sameRows: string;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', temp.path, ...args], { modules: [monitorCommands], cwd: temp.path, env });
}

beforeAll(async () => {
  temp = await createTempDir('mlp-monitor-cli-');
  const rows = JSON.parse(await readFile(flights2k, 'utf8')) as Record<string, unknown>[];
  shifted = path.join(temp.path, 'shifted.json');
  await writeFile(
    shifted,
    JSON.stringify(rows.slice(0, 1500).map((row) => ({ ...row, delay: (row.delay as number) + 20, origin: 'XXX' }))),
  );
  sameRows = path.join(temp.path, 'same.json');
  await writeFile(sameRows, JSON.stringify(rows.filter((_, i) => i % 2 === 0)));
});
afterAll(async () => {
  await temp.remove();
});

describe('mlp monitor drift', () => {
  it('exits 1 on dataset drift, prints the JSON verdict and writes a self-contained report', async () => {
    const report = path.join(temp.path, 'drift.html');
    const run = await mlp('--json', 'monitor', 'drift', '--reference', flights2k, '--current', shifted, '--report', report);
    expect(run.code).toBe(1);
    const json = parseJsonOutput<ReturnType<typeof driftJson>>(run);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json).toMatchObject({ dataset_drift: true, drift_share_threshold: 0.5, tested_columns: 5, report });
    const byColumn = Object.fromEntries(json.columns.map((column) => [column.column, column]));
    expect(byColumn.delay).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true });
    expect(byColumn.origin).toMatchObject({ test: 'jensenshannon', drifted: true });
    expect(byColumn.distance).toMatchObject({ test: 'wasserstein', drifted: false });
    expect(json.drift_share).toBe(json.columns.filter((column) => column.drifted).length / 5);
    const html = await readFile(report, 'utf8');
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('exits 0 without dataset drift and prints a table', async () => {
    // Every other row: delays and distances keep their distribution (JS on 220 airports from 1,000 rows is noisier).
    const run = await mlp('monitor', 'drift', '--reference', flights2k, '--current', sameRows, '--columns', 'delay,distance,origin');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/column\s+test\s+score\s+threshold\s+drift/);
    expect(run.stdout).toMatch(/No dataset drift: 1 of 3 tested columns drifted/);
  });

  it('takes a test and threshold per column', async () => {
    const run = await mlp(
      '--json',
      'monitor',
      'drift',
      '--reference',
      flights2k,
      '--current',
      shifted,
      '--columns',
      'delay,distance',
      '--column-test',
      'delay=psi:0.5',
      '--column-test',
      'distance=:0.9',
    );
    const json = parseJsonOutput<ReturnType<typeof driftJson>>(run);
    expect(json.columns.map(({ column, test, threshold }) => [column, test, threshold])).toEqual([
      ['delay', 'psi', 0.5],
      ['distance', 'wasserstein', 0.9],
    ]);
  });

  it('says what is wrong with bad arguments', async () => {
    const missing = await mlp('monitor', 'drift', '--current', shifted);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/needs --reference REF and --current CUR/);
    const noFile = await mlp('monitor', 'drift', '--reference', 'nope.csv', '--current', shifted);
    expect(noFile.stderr).toMatch(/--reference nope\.csv: no such file/);
    const badTest = await mlp('monitor', 'drift', '--reference', flights2k, '--current', shifted, '--column-test', 'delay');
    expect(badTest.stderr).toMatch(/write COLUMN=TEST/);
    const unknown = await mlp('monitor', 'drift', '--reference', flights2k, '--current', shifted, '--test', 'anderson');
    expect(unknown.stderr).toMatch(/No drift test named "anderson"/);
  });

  it('needs the dataset catalog for a dataset version', async () => {
    const run = await mlp('monitor', 'drift', '--reference', 'flights@1', '--current', shifted);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/flights@1 names a dataset version, which needs @mlp\/data-version/);
  });
});
