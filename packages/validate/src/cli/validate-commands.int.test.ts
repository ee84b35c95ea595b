import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { validationJson } from './json-shapes.js';
import { validateCommands } from './validate-commands.js';

// The commands run in-process through the real CLI (parsing, output, exit codes) on the embedded workspace.

const datasets = path.resolve(import.meta.dirname, '../../../../node_modules/vega-datasets/data');
const env = withoutMlpVariables(process.env);
let temp: TempDir;

function mlp(...args: string[]): Promise<CapturedRun> {
  return runCliCaptured(['-C', temp.path, ...args], { modules: [validateCommands], cwd: temp.path, env: env });
}

describe('mlp validate', () => {
  beforeAll(async () => {
    temp = await createTempDir('mlp-validate-cli-');
  });
  afterAll(async () => {
    await temp.remove();
  });

  it('profiles reference data into a suite the same data passes, and stores the result', async () => {
    const data = path.join(datasets, 'seattle-weather.csv');
    const suite = path.join(temp.path, 'weather.json');
    const profiled = await mlp('validate', 'profile', data, '--out', suite);
    expect(profiled.stderr).toBe('');
    expect(profiled.code).toBe(0);
    expect(profiled.stdout).toContain('Wrote');
    expect(JSON.parse(await readFile(suite, 'utf8'))).toMatchObject({
      format: 'mlp.expectation-suite',
      version: 1,
      name: 'seattle-weather',
    });
    const profiledJson = parseJsonOutput<{ out: string; suite: { expectations: unknown[] } }>(
      await mlp('--json', 'validate', 'profile', data, '--out', path.join(temp.path, 'weather-again.json')),
    );
    expect(jsonConventionViolations(profiledJson)).toEqual([]);
    expect(profiledJson.suite.expectations.length).toBeGreaterThan(0);
    const validated = await mlp('--json', 'validate', data, '--suite', suite, '--dataset-version', 'weather@1');
    expect(validated.code).toBe(0);
    const result = parseJsonOutput<ReturnType<typeof validationJson>>(validated);
    expect(jsonConventionViolations(result)).toEqual([]);
    expect(result).toMatchObject({ success: true, row_count: 1461, engine: 'duckdb', suite_name: 'seattle-weather' });
    expect(result.validation_id).toBeTruthy();
    expect(result.started_at).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(result.started_at).toBeLessThanOrEqual(Date.now());
  });

  it('exits 1 on a failed error-severity expectation and writes a readable report', async () => {
    const suite = path.join(temp.path, 'flights.json');
    await writeFile(
      suite,
      JSON.stringify({
        format: 'mlp.expectation-suite',
        version: 1,
        name: 'flights',
        expectations: [
          { type: 'expectColumnValuesToBeBetween', args: { column: 'delay', minValue: -60, maxValue: 180 } },
          { type: 'expectColumnValuesToBeInSet', args: { column: 'origin', valueSet: ['SEA'] }, severity: 'warn' },
          { type: 'expectColumnValuesToNotBeNull', args: { column: 'distance' } },
        ],
      }),
    );
    const report = path.join(temp.path, 'report.html');
    const result = await mlp('validate', path.join(datasets, 'flights-2k.json'), '--suite', suite, '--report', report, '--no-store');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED flights');
    expect(result.stdout).toMatch(/✗ #0 expectColumnValuesToBeBetween delay: \d+ unexpected/);
    expect(result.stdout).toMatch(/! #1 expectColumnValuesToBeInSet origin/);
    const json = await mlp('--json', 'validate', path.join(datasets, 'flights-2k.json'), '--suite', suite, '--no-store');
    expect(json.code).toBe(1);
    const failed = parseJsonOutput<ReturnType<typeof validationJson>>(json);
    expect(jsonConventionViolations(failed)).toEqual([]);
    expect(failed).toMatchObject({ success: false, validation_id: null, statistics: { evaluated: 3, unsuccessful: 2 } });
    expect(failed.results[0]).toMatchObject({
      type: 'expectColumnValuesToBeBetween',
      success: false,
      unexpected_count: expect.any(Number),
    });
    const html = await readFile(report, 'utf8');
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('FAILED');
  });

  it('names the malformed CSV line and the nearest expectation names', async () => {
    const csv = path.join(temp.path, 'broken.csv');
    await writeFile(csv, 'a,b\n1,2\n3,4,5\n');
    const suite = path.join(temp.path, 'one.json');
    await writeFile(
      suite,
      JSON.stringify({
        format: 'mlp.expectation-suite',
        version: 1,
        name: 'one',
        expectations: [{ type: 'expectColumnValuesToNotBeNull', args: { column: 'a' } }],
      }),
    );
    const broken = await mlp('validate', csv, '--suite', suite, '--no-store');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('line 3 has 3 fields; the header has 2');
    await writeFile(
      suite,
      JSON.stringify({
        format: 'mlp.expectation-suite',
        version: 1,
        name: 'one',
        expectations: [{ type: 'expectColumnValuesToBeNotNull', args: { column: 'a' } }],
      }),
    );
    const typo = await mlp('validate', path.join(datasets, 'seattle-weather.csv'), '--suite', suite, '--no-store');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Did you mean expectColumnValuesToNotBeNull');
  });
});
