#!/usr/bin/env node
// Per-package coverage from vitest's json-summary (coverage/coverage-summary.json, written by
// `npm test`, which runs `vitest run --coverage`): statements and branches of each package's src/,
// summed over its files, and the total.
//
//   node tools/scripts/coverage-report.mjs [--summary FILE] [--json] [--min-statements N] [--min-branches N]
//
// --min-statements / --min-branches make it exit 1 when a package (or the total) is below the figure:
// for a CI step, off unless asked for.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Sums the summary's file entries by package (`packages/<name>/src/...`); the summary's own total kept. */
export function coverageByPackage(summary, rootDir = root) {
  const packages = new Map();
  for (const [file, figures] of Object.entries(summary)) {
    if (file === 'total') continue;
    const relative = path.relative(rootDir, path.resolve(rootDir, file)).split(path.sep).join('/');
    const name = /^packages\/([^/]+)\//.exec(relative)?.[1];
    if (!name) continue;
    const sums = packages.get(name) ?? { files: 0, statements: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 } };
    sums.files++;
    for (const key of ['statements', 'branches']) {
      sums[key].covered += figures[key]?.covered ?? 0;
      sums[key].total += figures[key]?.total ?? 0;
    }
    packages.set(name, sums);
  }
  const pct = ({ covered, total }) => (total === 0 ? 100 : Math.floor((covered / total) * 10_000) / 100);
  const row = (name, sums) => ({
    package: name,
    files: sums.files,
    statements_pct: pct(sums.statements),
    statements_covered: sums.statements.covered,
    statements_total: sums.statements.total,
    branches_pct: pct(sums.branches),
    branches_covered: sums.branches.covered,
    branches_total: sums.branches.total,
  });
  const rows = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, sums]) => row(name, sums));
  const total = { files: 0, statements: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 } };
  for (const sums of packages.values()) {
    total.files += sums.files;
    for (const key of ['statements', 'branches']) {
      total[key].covered += sums[key].covered;
      total[key].total += sums[key].total;
    }
  }
  return { packages: rows, total: row('total', total) };
}

/** The rows below the minimums (a package or the total). */
export function belowMinimum(report, { statements, branches }) {
  return [...report.packages, report.total].filter(
    (row) => (statements !== undefined && row.statements_pct < statements) || (branches !== undefined && row.branches_pct < branches),
  );
}

function formatTable(report) {
  const lines = [['package', 'files', 'statements', 'branches']];
  for (const row of [...report.packages, report.total])
    lines.push([
      row.package,
      String(row.files),
      `${row.statements_pct.toFixed(2)}% (${row.statements_covered}/${row.statements_total})`,
      `${row.branches_pct.toFixed(2)}% (${row.branches_covered}/${row.branches_total})`,
    ]);
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  return lines
    .map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '))
    .join('\n');
}

function main() {
  const { values } = parseArgs({
    options: {
      summary: { type: 'string', default: path.join(root, 'coverage', 'coverage-summary.json') },
      json: { type: 'boolean', default: false },
      'min-statements': { type: 'string' },
      'min-branches': { type: 'string' },
    },
  });
  const minimum = (flag) => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 100) {
      console.error(`--${flag} must be a percentage between 0 and 100, not '${text}'.`);
      process.exit(2);
    }
    return value;
  };
  const minimums = { statements: minimum('min-statements'), branches: minimum('min-branches') };
  if (!existsSync(values.summary)) {
    console.error(`${values.summary} does not exist: run \`npm test\` (vitest run --coverage) first; it writes the json-summary there.`);
    process.exit(2);
  }
  const report = coverageByPackage(JSON.parse(readFileSync(values.summary, 'utf8')));
  const below = belowMinimum(report, minimums);
  if (values.json) console.log(JSON.stringify({ ...report, minimums, below: below.map((row) => row.package) }, null, 2));
  else {
    console.log(formatTable(report));
    for (const row of below)
      console.error(
        `${row.package}: statements ${row.statements_pct}%, branches ${row.branches_pct}%: below the minimum (${minimums.statements ?? '-'}% / ${minimums.branches ?? '-'}%)`,
      );
  }
  if (below.length > 0) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) main();
