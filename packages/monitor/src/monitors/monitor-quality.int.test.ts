import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PredictionLogEntry } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { createPredictionLog, createPredictionLogReader } from '@mlp/deploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlertStore } from '../alerts/alert-store.js';
import { openLabelStore } from '../quality/label-store.js';
import { parseAlertExpression, parseMonitorSpec } from './monitor-spec.js';
import { openMonitorStore } from './monitor-store.js';
import { runMonitor } from './run-monitor.js';

// Model quality in monitor runs on real parts: predictions written by deploy's prediction log into the
// workspace's blobs, labels in the workspace database (embedded engine and PostgreSQL), joined by request id.

const hour = 3_600_000;
const t0 = Date.UTC(2026, 10, 3, 0, 0, 0);

for (const engine of ['embedded', 'postgres'] as const) {
  describe(`monitor runs measure model quality (${engine} workspace database)`, () => {
    let test: TestWorkspace;
    beforeAll(async () => {
      test = await openTestWorkspace(engine, 'mlp-monitor-run-quality-');
      const rows = Array.from({ length: 200 }, (_, i) => `${(i * 7) % 60}`);
      await writeFile(path.join(test.workspace.config.dir, 'reference.csv'), `delay\n${rows.join('\n')}\n`);
    }, 120_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    it('stores accuracy per window from arrived labels and fires accuracy<0.8 when labels disagree', async () => {
      const { workspace } = test;
      // 100 requests an hour for three hours; the prediction alternates 1, 0.
      // One log per hour, closed (flushed) before the next: a log's buffer drops what it cannot hold.
      for (let h = 0; h < 3; h++) {
        const log = createPredictionLog({ blobs: workspace.blobs, flushIntervalMs: 50 });
        for (let i = 0; i < 100; i++) {
          const entry: PredictionLogEntry = {
            at: t0 + h * hour + i * 36_000,
            model: 'delays',
            modelVersion: '1',
            deployment: 'delays',
            requestId: `q-${h}-${i}`,
            kind: 'records',
            inputs: [{ delay: (i * 7) % 60 }],
            outputs: [i % 2],
            latencyMs: 3,
          };
          log.record(entry);
        }
        await log.close();
      }
      // Hour 0: every label agrees; hour 1: every other label disagrees (accuracy 0.5); hour 2: no label yet.
      const labels = await openLabelStore(workspace);
      await labels.add('delays', [
        ...Array.from({ length: 100 }, (_, i) => ({ requestId: `q-0-${i}`, label: i % 2 })),
        ...Array.from({ length: 100 }, (_, i) => ({ requestId: `q-1-${i}`, label: i % 4 < 2 ? i % 2 : 1 - (i % 2) })),
      ]);
      const store = await openMonitorStore(workspace);
      await store.create(
        parseMonitorSpec({
          name: 'delays-quality',
          source: { kind: 'deployment', deployment: 'delays', model: 'delays' },
          reference: { kind: 'file', file: path.join(workspace.config.dir, 'reference.csv') },
          windowMs: hour,
          quality: { task: 'binary' },
          alerts: [parseAlertExpression('accuracy<0.8 critical')],
        }),
      );
      const predictionLog = createPredictionLogReader({ blobs: workspace.blobs });
      const runAt = (end: number) => runMonitor(workspace, 'delays-quality', { windowEnd: end, predictionLog });

      const agreeing = await runAt(t0 + hour);
      expect(agreeing.result.quality).toMatchObject({ task: 'binary', kind: 'measured', predictions: 100, labelled: 100 });
      expect(agreeing.result.quality?.metrics).toMatchObject({ accuracy: 1, precision: 1, recall: 1, f1: 1 });
      expect(agreeing.transitions).toEqual([]);

      const disagreeing = await runAt(t0 + 2 * hour);
      expect(disagreeing.result.quality?.metrics?.accuracy).toBe(0.5);
      expect(disagreeing.transitions.map((t) => [t.kind, t.rule, t.severity, t.value])).toEqual([['fired', 'accuracy', 'critical', 0.5]]);

      // A window that straddles two hours: [0:30, 1:30) holds hour 0's requests 50–99 (all agree) and hour 1's 0–49 (26 agree).
      const straddling = await runAt(t0 + hour + hour / 2);
      expect(straddling.result.quality).toMatchObject({ predictions: 100, labelled: 100 });
      expect(straddling.result.quality?.metrics?.accuracy).toBe(0.76);

      // No label has arrived for hour 2: no quality value, so the alert resolves (as Prometheus resolves an absent series).
      const unlabelled = await runAt(t0 + 3 * hour);
      expect(unlabelled.result.quality).toMatchObject({ kind: 'none', predictions: 100, labelled: 0, metrics: null });
      expect(unlabelled.transitions.map((t) => [t.kind, t.rule])).toEqual([['resolved', 'accuracy']]);

      // Stored with the window, as `mlp monitor show` reads it.
      const stored = await store.results('delays-quality', { limit: 10 });
      expect(stored.find((r) => r.windowEnd === t0 + 2 * hour)?.result.quality?.metrics?.accuracy).toBe(0.5);
      const history = await (await openAlertStore(workspace)).list({ monitor: 'delays-quality' });
      expect(history.map((alert) => [alert.rule, alert.state])).toEqual([['accuracy', 'resolved']]);
    });
  });
}
