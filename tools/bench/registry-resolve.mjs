#!/usr/bin/env node
// Registry benchmark: resolving `models:/name@alias` to its version (the call every model load makes),
// p50/p99 over many calls, target p99 < 5 ms on the embedded store, against the peer in the same run:
// a bare `select` round trip on the same pool (the floor any query pays), and the single-table alias
// lookup in hand-written SQL. Also on a PostgreSQL server, for comparison.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openRegistry } from '@mlp/registry';
import { onBothBackends } from './lib/on-both-backends.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const MODELS = 50;
const VERSIONS = 20;

const round = (value) => Math.round(value * 1000) / 1000;
function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: round(at(0.5)), p99: round(at(0.99)) };
}
async function sample(fn) {
  for (let i = 0; i < 100; i++) await fn(i); // warm up the pool and plans
  const samples = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

async function measure(label, workspace, dir) {
  const registry = await openRegistry(workspace, { actor: 'bench' });
  const folder = path.join(dir, 'package');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'model.onnx'), 'x'.repeat(1024));
  // A registry with some history: 50 models, the measured one with 20 versions and a few aliases.
  for (let m = 0; m < MODELS; m++) await registry.createModel({ name: `model-${m}` });
  for (let v = 0; v < VERSIONS; v++) await registry.registerVersion({ name: 'model-0', source: folder });
  await registry.setAlias('model-0', 'champion', 17);
  await registry.setAlias('model-0', 'challenger', 19);
  await workspace.db.query('analyze');

  const resolve = await sample(() => registry.resolve('models:/model-0@champion'));
  const roundTrip = await sample(() => workspace.db.query('select 1'));
  const aliasRow = await sample(() =>
    workspace.db.query(
      'select a.version from registry_aliases a join registry_models m on m.model_id = a.model_id where m.name = $1 and a.alias = $2',
      ['model-0', 'champion'],
    ),
  );
  const check = await registry.resolve('models:/model-0@champion');
  if (check.version !== 17) throw new Error(`resolved version ${check.version}, expected 17`);
  await registry.close();
  return {
    backend: label,
    calls: CALLS,
    resolveMs: resolve,
    peerRoundTripMs: roundTrip,
    peerAliasSelectMs: aliasRow,
    resolveP99OverRoundTripP99: round(resolve.p99 / roundTrip.p99),
    resolveP99OverAliasSelectP99: round(resolve.p99 / aliasRow.p99),
    pass: label !== 'embedded' || resolve.p99 < 5,
  };
}

const results = await onBothBackends('registry', measure);
console.log(JSON.stringify({ benchmark: 'registry-resolve', targets: { embeddedResolveP99Ms: 5 }, results }, null, 2));
