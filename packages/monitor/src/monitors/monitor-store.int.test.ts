import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openTestWorkspace, type TestEngine, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMonitorSpec } from './monitor-spec.js';
import { type MonitorStore, openMonitorStore } from './monitor-store.js';
import { runMonitor } from './run-monitor.js';

// The monitor store on both engines (the embedded default and a real PostgreSQL), and a dataset monitor:
// its reference and the dataset's latest version are files (resolveDataset is what the CLI's catalog gives).

describe.each<TestEngine>(['embedded', 'postgres'])('monitors on %s', (engine) => {
  let fx: TestWorkspace;
  let store: MonitorStore;
  const files: Record<string, string> = {};
  beforeAll(async () => {
    fx = await openTestWorkspace(engine, `mlp-monitor-store-${engine}-`);
    store = await openMonitorStore(fx.workspace);
    const csv = (shift: number) =>
      `distance,origin\n${Array.from({ length: 200 }, (_, i) => `${100 + i + shift},${i % 2 ? 'SEA' : 'SFO'}`).join('\n')}\n`;
    for (const [ref, shift] of [
      ['flights@1', 0],
      ['flights@latest', 400],
    ] as const) {
      files[ref] = path.join(fx.workspace.config.dir, `${ref.replace('@', '-')}.csv`);
      await writeFile(files[ref] as string, csv(shift));
    }
  }, 120_000);
  afterAll(async () => {
    await fx?.cleanup();
  });

  const resolveDataset = async (ref: string) => {
    const file = files[ref];
    if (!file) throw new Error(`unknown ${ref}`);
    return file;
  };

  it('creates, runs a dataset monitor per window, keeps drift over time, claims ticks once and deletes', async () => {
    await store.create(
      parseMonitorSpec({
        name: 'flights-data',
        source: { kind: 'dataset', dataset: 'flights' },
        reference: { kind: 'dataset', ref: 'flights@1' },
        windowMs: 60_000,
        tests: { perColumn: { distance: { test: 'psi', threshold: 0.2 } } },
        alerts: [{ name: 'distance', metric: 'column_score', column: 'distance', op: '>', threshold: 0.2 }],
      }),
    );
    await expect(
      store.create(
        parseMonitorSpec({
          name: 'flights-data',
          source: { kind: 'dataset', dataset: 'x' },
          reference: { kind: 'file', file: 'x.csv' },
          windowMs: 60_000,
        }),
      ),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const first = await runMonitor(fx.workspace, 'flights-data', { windowEnd: 120_000, resolveDataset });
    expect(first.result.current).toBe('flights@latest');
    expect(first.result.rows).toBe(200);
    expect(first.result.drift.columns.map((c) => [c.column, c.test, c.drifted])).toEqual([
      ['distance', 'psi', true],
      ['origin', 'z', false], // two categories: Evidently's Z-test
    ]);
    expect(first.transitions.map((t) => [t.kind, t.key])).toEqual([['fired', 'distance:distance']]);
    await runMonitor(fx.workspace, 'flights-data', { windowEnd: 180_000, resolveDataset });
    const over = await store.driftOverTime('flights-data');
    expect(over.map((point) => [point.windowStart, point.windowEnd, point.driftShare])).toEqual([
      [60_000, 120_000, 0.5],
      [120_000, 180_000, 0.5],
    ]);
    expect(await store.driftOverTime('flights-data', { from: 150_000 })).toHaveLength(1);
    await expect(runMonitor(fx.workspace, 'flights-data', { windowEnd: 240_000 })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });

    const claims = await Promise.all([store.claimTick('flights-data', 5), store.claimTick('flights-data', 5)]);
    expect(claims.sort()).toEqual([false, true]);
    expect(await store.lastTick('flights-data')).toBe(5);
    await store.delete('flights-data');
    expect(await store.list()).toEqual([]);
    expect(await store.results('flights-data')).toEqual([]);
  }, 120_000);
});
