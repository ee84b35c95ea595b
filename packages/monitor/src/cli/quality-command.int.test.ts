import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jsonConventionViolations, parseJsonOutput, workspaceCli } from '@mlp/cli';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { createPredictionLog } from '@mlp/deploy';
import { predictionLogCommands } from '@mlp/deploy/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { qualityJson } from './json-shapes.js';
import { monitorCommands } from './monitor-commands.js';

// End to end on a real PostgreSQL workspace: predictions written by deploy's prediction log (blobs),
// labels stored by `mlp monitor labels`, quality per window by `mlp monitor quality` through deploy's
// `predictionLog` CLI service.

const hour = 3_600_000;
const t0 = Date.UTC(2026, 10, 2, 0, 0, 0);
let fx: TestWorkspace;
let dir: string;

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-monitor-quality-cli-');
  dir = fx.workspace.config.dir;
  const log = createPredictionLog({ blobs: fx.workspace.blobs, flushIntervalMs: 50 });
  // Hour 0: 10 requests, scores 0.05 … 0.95; hour 1: 4 requests. A shadow deployment's request is left out.
  const scores = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
  scores.forEach((score, i) => {
    log.record({
      at: t0 + i * 1000,
      model: 'delays-model',
      modelVersion: '1',
      deployment: 'delays',
      requestId: `a${i}`,
      kind: 'records',
      inputs: [{ distance: 100 * i }],
      outputs: [score],
      latencyMs: 2,
    });
  });
  for (let i = 0; i < 4; i++) {
    log.record({
      at: t0 + hour + i * 1000,
      model: 'delays-model',
      modelVersion: '1',
      deployment: 'delays',
      requestId: `b${i}`,
      kind: 'records',
      inputs: [{ distance: 50 }],
      outputs: [0.9],
      latencyMs: 2,
    });
  }
  log.record({
    at: t0 + 10,
    model: 'delays-model',
    modelVersion: '1',
    deployment: 'shadow',
    requestId: 'a0',
    kind: 'records',
    inputs: [{}],
    outputs: [0.99],
    latencyMs: 1,
  });
  await log.close();
  // Labels: hour 0 all labelled (positives where the score is at least 0.45, except a9 and plus a2), hour 1 none.
  const labels = scores.map((score, i) => `a${i},${(score >= 0.45 && i !== 9) || i === 2 ? 1 : 0}`);
  await writeFile(path.join(dir, 'labels.csv'), `request_id,label\n${labels.join('\n')}\n`);
});
afterAll(async () => {
  await fx?.cleanup();
});

const mlp = (...args: string[]) =>
  workspaceCli({ dir, databaseUrl: fx.workspace.config.database.url, modules: [monitorCommands, predictionLogCommands] })(...args);

describe('mlp monitor quality', () => {
  it('measures each window of the prediction log against the stored labels (snake_case JSON)', async () => {
    const stored = await mlp('monitor', 'labels', path.join(dir, 'labels.csv'), '--deployment', 'delays');
    expect(stored.code, stored.stderr).toBe(0);
    const run = await mlp(
      '--json',
      'monitor',
      'quality',
      '--model',
      'delays-model',
      '--deployment',
      'delays',
      '--from',
      new Date(t0).toISOString(),
      '--to',
      String(t0 + 2 * hour),
      '--window',
      '1h',
      '--score-column',
      'prediction',
    );
    expect(run.code, run.stderr).toBe(0);
    const json = parseJsonOutput<ReturnType<typeof qualityJson>>(run);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json).toMatchObject({
      model: 'delays-model',
      deployment: 'delays',
      task: 'binary',
      from: t0,
      to: t0 + 2 * hour,
      window_ms: hour,
    });
    expect(json.windows.map(({ start, predictions, labelled }) => [start, predictions, labelled])).toEqual([
      [t0, 10, 10],
      [t0 + hour, 4, 0],
    ]);
    // Predicted positive at 0.5: a5 … a9. Labels positive: a2, a4 … a8. TP a5–a8 (4), FP a9, FN a2, a4, TN a0, a1, a3.
    // Accuracy 7/10, precision 4/5, recall 4/6, F1 8/11. ROC AUC: each positive's score (0.25, 0.45 … 0.85)
    // beats 2, 3, 3, 3, 3, 3 of the negatives' (0.05, 0.15, 0.35, 0.95): 17 of 24 pairs.
    const metrics = json.windows[0]?.metrics as unknown as Record<string, number>;
    expect(metrics.accuracy).toBeCloseTo(0.7, 15);
    expect(metrics.precision).toBeCloseTo(0.8, 15);
    expect(metrics.recall).toBeCloseTo(4 / 6, 15);
    expect(metrics.f1).toBeCloseTo(8 / 11, 15);
    expect(metrics.roc_auc).toBeCloseTo(17 / 24, 15);
    expect(json.windows[1]).toMatchObject({ metrics: null, problem: null });

    const human = await mlp(
      'monitor',
      'quality',
      '--model',
      'delays-model',
      '--deployment',
      'delays',
      '--from',
      String(t0),
      '--to',
      String(t0 + 2 * hour),
      '--score-column',
      'prediction',
    );
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('2 windows with predictions of delays-model');
  });

  it('refuses bad flags with what to do', async () => {
    expect((await mlp('monitor', 'quality')).stderr).toContain('needs --model NAME');
    expect((await mlp('monitor', 'quality', '--model', 'm', '--task', 'ranking')).stderr).toContain('use binary, multiclass or regression');
    expect((await mlp('monitor', 'quality', '--model', 'm', '--from', '5', '--to', '5')).stderr).toContain('--from must lie before --to');
  });
});
