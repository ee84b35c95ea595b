import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the script is plain JavaScript without declarations
import { belowMinimum, coverageByPackage } from './coverage-report.mjs';

// The per-package coverage report reads vitest's json-summary (istanbul's format: a `total` and one
// entry per absolute file path) and sums statements and branches by package.
const root = path.resolve(import.meta.dirname, '..', '..');
const script = path.join(root, 'tools', 'scripts', 'coverage-report.mjs');
const figures = (statements: [number, number], branches: [number, number]) => ({
  lines: { total: statements[1], covered: statements[0], skipped: 0, pct: 0 },
  statements: { total: statements[1], covered: statements[0], skipped: 0, pct: 0 },
  functions: { total: 0, covered: 0, skipped: 0, pct: 100 },
  branches: { total: branches[1], covered: branches[0], skipped: 0, pct: 0 },
});
const summary = {
  total: figures([95, 130], [23, 40]),
  [path.join(root, 'packages/core/src/a.ts')]: figures([40, 50], [8, 10]),
  [path.join(root, 'packages/core/src/b/c.ts')]: figures([50, 50], [10, 10]),
  [path.join(root, 'packages/registry/src/d.ts')]: figures([5, 30], [5, 20]),
};

let temp: TempDir;
beforeEach(async () => {
  temp = await createTempDir('mlp-coverage-report-');
});
afterEach(async () => {
  await temp.remove();
});

describe('coverage-report', () => {
  it('sums statements and branches by package, and the total over them', () => {
    const report = coverageByPackage(summary, root);
    expect(report.packages).toEqual([
      expect.objectContaining({
        package: 'core',
        files: 2,
        statements_pct: 90,
        statements_covered: 90,
        branches_pct: 90,
        branches_total: 20,
      }),
      expect.objectContaining({ package: 'registry', files: 1, statements_pct: 16.66, branches_pct: 25 }),
    ]);
    expect(report.total).toMatchObject({
      files: 3,
      statements_covered: 95,
      statements_total: 130,
      branches_covered: 23,
      branches_total: 40,
    });
    expect(belowMinimum(report, { statements: 80 }).map((row: { package: string }) => row.package)).toEqual(['registry', 'total']);
    expect(belowMinimum(report, {})).toEqual([]);
  });

  it('prints a table; exits 1 below a minimum it was given, 2 without a summary', async () => {
    const file = path.join(temp.path, 'coverage-summary.json');
    writeFileSync(file, JSON.stringify(summary));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [script, '--summary', file, ...args]).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    const table = await run();
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/core\s+2\s+90\.00% \(90\/100\)\s+90\.00% \(18\/20\)/);
    const strict = await run('--min-branches', '50', '--json');
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).below).toEqual(['registry']);
    const missing = await promisify(execFile)(process.execPath, [script, '--summary', path.join(temp.path, 'none.json')]).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/npm test/) });
  });
});
