import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, type PredictionLogEntry, type PredictionLogQuery, type PredictionLogReader } from '@mlp/core';
import { createTempDir, openTestWorkspace, type TempDir, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LabelStore, openLabelStore } from './label-store.js';
import { labelledPredictionRows } from './labelled-rows.js';
import { measureModelQuality } from './model-quality.js';
import { readLabelsFile } from './read-labels.js';

const hour = 3_600_000;

/** A prediction log in memory with the contract's query semantics (by model, [from, to)). */
function logOf(entries: PredictionLogEntry[]): PredictionLogReader {
  return {
    async *read(query: PredictionLogQuery) {
      for (const entry of entries) if (entry.model === query.model && entry.at >= query.from && entry.at < query.to) yield entry;
    },
  };
}

const record = (at: number, requestId: string, score: number, deployment = 'delays'): PredictionLogEntry => ({
  at,
  model: 'flights',
  modelVersion: '3',
  deployment,
  requestId,
  kind: 'records',
  inputs: [{ distance: 100 + at / hour }],
  outputs: [{ late: score >= 0.5 ? 1 : 0, probability: score }],
  latencyMs: 2,
});

for (const engine of ['embedded', 'postgres'] as const) {
  describe(`labels joined to predictions (${engine} workspace database)`, () => {
    let test: TestWorkspace;
    let dir: TempDir;
    let store: LabelStore;
    beforeAll(async () => {
      test = await openTestWorkspace(engine, 'mlp-monitor-quality-');
      dir = await createTempDir('mlp-monitor-labels-');
      store = await openLabelStore(test.workspace);
    }, 120_000);
    afterAll(async () => {
      await test?.cleanup();
      await dir?.remove();
    });

    it('stores labels by request id (a later label replaces the earlier), reads them back, refuses bad ones', async () => {
      expect(
        await store.add('delays', [
          { requestId: 'a', label: 1 },
          { requestId: 'b', label: 0 },
          { requestId: 'a', label: 0 },
        ]),
      ).toBe(2);
      expect(await store.add('delays', [{ requestId: 'b', label: 1, at: 5 }])).toBe(1);
      expect(await store.get('delays', ['a', 'b', 'nope'])).toEqual(
        new Map([
          ['a', 0],
          ['b', 1],
        ]),
      );
      expect(await store.count('delays')).toBe(2);
      expect(await store.count('other')).toBe(0);
      await expect(store.add('delays', [{ requestId: '', label: 1 }])).rejects.toThrow(/request id/);
      await expect(store.add('delays', [{ requestId: 'c', label: Number.NaN }])).rejects.toThrow(MlpError);
      await expect(store.add('../x', [])).rejects.toThrow(/not valid/);
    });

    it('reads a labels file (CSV) and joins it to the log per window: accuracy, F1, ROC AUC, log loss counted by hand', async () => {
      // Window 0: four requests, all labelled. Window 1: two requests, one labelled. Another deployment's entry is left out.
      const entries = [
        record(0, 'r1', 0.9),
        record(1000, 'r2', 0.8),
        record(2000, 'r3', 0.3),
        record(3000, 'r4', 0.6),
        record(hour + 10, 'r5', 0.2),
        record(hour + 20, 'r6', 0.7),
        record(30, 'x1', 0.9, 'shadow'),
      ];
      const file = path.join(dir.path, 'labels.csv');
      await writeFile(file, 'request_id,label\nr1,1\nr2,0\nr3,0\nr4,1\nr5,1\nx1,0\nr9,\n');
      const { truths, skipped } = await readLabelsFile(file);
      expect(skipped).toBe(1);
      expect(await store.add('delays', truths)).toBe(6);

      const windows = await measureModelQuality(logOf(entries), {
        labels: store,
        deployment: 'delays',
        model: 'flights',
        from: 0,
        to: 2 * hour,
        windowMs: hour,
        task: 'binary',
        predictionColumn: 'prediction.late',
        scoreColumn: 'prediction.probability',
      });
      expect(windows.map(({ start, predictions, labelled }) => [start, predictions, labelled])).toEqual([
        [0, 4, 4],
        [hour, 2, 1],
      ]);
      // Window 0: predicted 1,1,0,1 against 1,0,0,1 → TP 2, FP 1, TN 1: accuracy 3/4, precision 2/3, recall 1, F1 4/5.
      // Scores of positives 0.9, 0.6 against negatives 0.8, 0.3: 3 of 4 pairs ranked right → AUC 0.75.
      const first = windows[0]?.metrics as unknown as Record<string, number>;
      expect(first.accuracy).toBe(0.75);
      expect(first.precision).toBeCloseTo(2 / 3, 15);
      expect(first.recall).toBe(1);
      expect(first.f1).toBeCloseTo(0.8, 15);
      expect(first.rocAuc).toBe(0.75);
      expect(first.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.7) + Math.log(0.6)) / 4, 14);
      // Window 1: one labelled row, predicted 0 for a 1.
      expect(windows[1]?.metrics).toMatchObject({ rows: 1, accuracy: 0, recall: 0, rocAuc: null });
    });

    it('regression quality, rows of a batch request labelled as <id>#<i>, windows without labels', async () => {
      const batch: PredictionLogEntry = {
        at: 10,
        model: 'fare',
        modelVersion: '1',
        requestId: 'batch',
        kind: 'records',
        inputs: [{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }],
        outputs: [2.5, 0.0, 2, 8],
        latencyMs: 1,
      };
      const lonely: PredictionLogEntry = { ...batch, at: hour + 5, requestId: 'later', inputs: [{ x: 1 }], outputs: [1] };
      await store.add('fare', [
        { requestId: 'batch#0', label: 3 },
        { requestId: 'batch#1', label: -0.5 },
        { requestId: 'batch#2', label: 2 },
        { requestId: 'batch#3', label: 7 },
      ]);
      const log = logOf([batch, lonely]);
      const windows = await measureModelQuality(log, {
        labels: store,
        model: 'fare',
        from: 0,
        to: 2 * hour,
        windowMs: hour,
        task: 'regression',
      });
      // scikit-learn's example (mean_squared_error docs): MSE 0.375, MAE 0.5, R² 0.9486081370449679.
      expect(windows[0]?.metrics).toMatchObject({ rows: 4, mae: 0.5 });
      const regression = windows[0]?.metrics as { rmse: number; r2: number };
      expect(regression.rmse).toBeCloseTo(Math.sqrt(0.375), 14);
      expect(regression.r2).toBeCloseTo(0.9486081370449679, 13);
      expect(windows[1]).toMatchObject({ predictions: 1, labelled: 0, metrics: null });

      const joined = [];
      for await (const row of labelledPredictionRows(log, { labels: store, model: 'fare', from: 0, to: 2 * hour })) joined.push(row);
      expect(joined.map((row) => [row.requestId, row.row.prediction, row.label])).toEqual([
        ['batch', 2.5, 3],
        ['batch', 0, -0.5],
        ['batch', 2, 2],
        ['batch', 8, 7],
        ['later', 1, undefined],
      ]);
    });

    it('says why a labelled window has no metrics, and refuses a labels file without the columns', async () => {
      const windows = await measureModelQuality(logOf([record(0, 'r1', 0.9)]), {
        labels: store,
        deployment: 'delays',
        model: 'flights',
        from: 0,
        to: hour,
        windowMs: hour,
        task: 'binary',
        predictionColumn: 'no_such_column',
      });
      expect(windows[0]).toMatchObject({ labelled: 1, metrics: null, problem: expect.stringMatching(/no_such_column/) });
      const file = path.join(dir.path, 'bad.csv');
      await writeFile(file, 'id,truth\na,1\n');
      await expect(readLabelsFile(file)).rejects.toThrow(/no column "request_id"/);
      expect((await readLabelsFile(file, { requestIdColumn: 'id', labelColumn: 'truth' })).truths).toEqual([{ requestId: 'a', label: 1 }]);
      const timed = path.join(dir.path, 'timed.csv');
      await writeFile(timed, 'request_id,label,seen\na,late,2026-11-02 00:00:01\nb,on_time,2026-11-02 00:00:02\n');
      expect((await readLabelsFile(timed, { atColumn: 'seen' })).truths).toEqual([
        { requestId: 'a', label: 'late', at: Date.UTC(2026, 10, 2, 0, 0, 1) },
        { requestId: 'b', label: 'on_time', at: Date.UTC(2026, 10, 2, 0, 0, 2) },
      ]);
    });
  });
}
