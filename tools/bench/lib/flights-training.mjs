// Shared by the train-* benchmarks: the flights example spec, the flights sample, flags, temporary
// folders, a tracking workspace, and a rank AUC computed here (not by the package under test).
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { createTracking } from '@mlp/tracking';
import { loadSpec, parseSpec, readTable } from '@mlp/train';

export const SPEC_FILE = path.resolve(import.meta.dirname, '../../../examples/flights-delay/spec.yaml');

/** `--name=value` from the command line, else the default (numbers parsed when the default is one). */
export function flag(name, fallback) {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (raw === undefined) return fallback;
  return typeof fallback === 'number' ? Number(raw) : raw;
}

/** The example spec, without its search unless `keepSearch`, with `overrides` spread over it and parsed. */
export async function flightsSpec(overrides = {}, { keepSearch = false } = {}) {
  const { search, ...spec } = await loadSpec(SPEC_FILE);
  return parseSpec({ ...spec, ...(keepSearch ? { search } : {}), ...overrides });
}

/** The same seeded sample of flights `trainModel` reads for `spec` (its feature columns and the target). */
export async function readFlights(spec) {
  const started = performance.now();
  const table = await readTable(spec.data, {
    columns: spec.features.map((feature) => feature.name),
    target: { name: spec.target.name, expression: spec.target.expression },
    rows: spec.rows,
    seed: spec.seed,
  });
  return { table, seconds: (performance.now() - started) / 1000 };
}

/** A temporary folder (world-readable, as the embedded database needs under root), removed by `dispose`. */
export function tempFolder(name) {
  const dir = mkdtempSync(path.join(tmpdir(), `mlp-bench-${name}-`));
  chmodSync(dir, 0o755);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tracking client on a fresh PostgreSQL database (the embedded one with `--database=embedded`). */
export async function openTracking(dir) {
  const embedded = flag('database', 'postgres') === 'embedded';
  const database = embedded ? undefined : await createTestDatabase('mlp_bench_train');
  const workspaceDir = path.join(dir, 'workspace');
  mkdirSync(workspaceDir, { mode: 0o755 });
  const workspace = await openWorkspace({ dir: workspaceDir, logLevel: 'warn', ...(database ? { database: { url: database.url } } : {}) });
  const tracking = createTracking(workspace, { handleSignals: false, captureProvenance: false });
  return {
    tracking,
    database: embedded ? 'embedded' : 'postgres',
    async close() {
      await tracking.close();
      await workspace.close();
      await database?.drop();
    },
  };
}

/** AUC as the Mann–Whitney statistic (ties count half): labels 0/1, any scores. */
export function rankAuc(labels, scores) {
  const n = labels.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) {
      if (labels[order[i]] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export const round = (value, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

/** The 1-minute load average, so a reader can tell a busy machine from a slow benchmark. */
export const load = () => round(loadavg()[0], 2);
