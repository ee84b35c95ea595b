import { jsonConventionViolations, parseJsonOutput, runCliCaptured, withoutMlpVariables } from '@mlp/cli';
import type { PredictionLogEntry } from '@mlp/core';
import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPredictionLog } from '../prediction-log/prediction-log.js';
import { createPredictionLogReader } from '../prediction-log/prediction-log-reader.js';
import { predictionLogCommands } from './predictions-command.js';

// Retention of the prediction log through the real CLI, on a workspace (PostgreSQL, blob folder):
// batches whose entries are all older than --older-than go, the rest stay readable.

let fx: TestWorkspace;
const day = 86_400_000;
const now = Date.now();

const entry = (model: string, at: number, requestId: string): PredictionLogEntry => ({
  at,
  model,
  modelVersion: '1',
  requestId,
  kind: 'tensors',
  inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [1] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [1], data: [2] }],
  latencyMs: 1,
});

beforeAll(async () => {
  fx = await openTestWorkspace('postgres', 'mlp-predictions-prune-');
  // One batch per model and flush: old ones (40 and 31 days) and recent ones (2 days, now).
  for (const [model, at, id] of [
    ['flights', now - 40 * day, 'old-1'],
    ['flights', now - 31 * day, 'old-2'],
    ['flights', now - 2 * day, 'recent'],
    ['flights', now, 'now'],
    ['fares', now - 35 * day, 'fares-old'],
  ] as const) {
    const log = createPredictionLog({ blobs: fx.workspace.blobs, sampleRate: 1 });
    log.record(entry(model, at, id));
    await log.close();
  }
});
afterAll(async () => {
  await fx?.cleanup();
});

const mlp = (...args: string[]) =>
  runCliCaptured(['-C', fx.workspace.config.dir, ...args], {
    modules: [predictionLogCommands],
    cwd: fx.workspace.config.dir,
    env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: fx.workspace.config.database.url },
  });

const logged = async (model: string) => {
  const ids: string[] = [];
  for await (const read of createPredictionLogReader({ blobs: fx.workspace.blobs }).read({ model, from: 0, to: now + 1 }))
    ids.push(read.requestId);
  return ids.sort();
};

describe('mlp predictions prune', () => {
  it("deletes one model's batches older than --older-than, then every model's", async () => {
    const one = await mlp('--json', 'predictions', 'prune', '--older-than', '30d', '--model', 'flights');
    expect(one.code, one.stderr).toBe(0);
    const json = parseJsonOutput<Record<string, unknown>>(one);
    expect(jsonConventionViolations(json)).toEqual([]);
    expect(json).toMatchObject({ model: 'flights', scanned_batches: 4, deleted_batches: 2 });
    expect(json.deleted_bytes).toBeGreaterThan(0);
    expect(await logged('flights')).toEqual(['now', 'recent']);
    expect(await logged('fares')).toEqual(['fares-old']);

    const all = await mlp('--json', 'predictions', 'prune', '--older-than', '30d');
    expect(parseJsonOutput(all)).toMatchObject({ model: null, scanned_batches: 3, deleted_batches: 1 });
    expect(await logged('fares')).toEqual([]);
    // Reading a model's log still works beside the subcommand.
    const shown = await mlp('--json', 'predictions', 'flights', '--since', '3d');
    expect(parseJsonOutput(shown)).toMatchObject({ model: 'flights', total: 2 });
  });

  it('refuses to run without --older-than', async () => {
    const run = await mlp('predictions', 'prune');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--older-than 30d/);
  });
});
