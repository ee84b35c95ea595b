import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CapturedRun, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationResult } from '../result/validation-result.js';
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
    const validated = await mlp('--json', 'validate', data, '--suite', suite, '--dataset-version', 'weather@1');
    expect(validated.code).toBe(0);
    const result = JSON.parse(validated.stdout) as ValidationResult & { validationId: string };
    expect(result).toMatchObject({ success: true, rowCount: 1461, engine: 'duckdb' });
    expect(result.validationId).toBeTruthy();
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
    expect(JSON.parse(json.stdout)).toMatchObject({ success: false, statistics: { evaluated: 3, unsuccessful: 2 } });
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
