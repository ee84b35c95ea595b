import { openTestWorkspace, type TestWorkspace } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePipeline } from '../pipeline/define-pipeline.js';
import { waitForRun } from './run-waiter.js';
import { startRun } from './start-run.js';

let test: TestWorkspace;
beforeAll(async () => {
  test = await openTestWorkspace('postgres', 'mlp-orchestrate-waiter-');
});
afterAll(() => test?.cleanup());

/** A pipeline whose one step waits until the test opens the gate. */
function gated() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const pipeline = definePipeline('gated').step('wait', {}, async () => {
    started();
    await gate;
    return 'opened';
  });
  return { pipeline, open, running };
}

describe('waiting for a run another engine drives', () => {
  it('wakes every waiter when it ends, returns at once for an ended run, and lets an aborted waiter go with the run as it is', async () => {
    const { pipeline, open, running } = gated();
    const handle = await startRun(test.workspace, pipeline, { trigger: { kind: 'manual', key: 'one' } });
    await running;
    // A second start with the key finds the run; its `done` follows it.
    const again = await startRun(test.workspace, pipeline, { trigger: { kind: 'manual', key: 'one' } });
    expect(again).toMatchObject({ runId: handle.runId, created: false });
    const waiters = [again.done, waitForRun(test.workspace, handle.runId), waitForRun(test.workspace, handle.runId)];
    const controller = new AbortController();
    const impatient = waitForRun(test.workspace, handle.runId, controller.signal);
    controller.abort();
    expect((await impatient).status).toBe('running');

    open();
    const ended = await Promise.all(waiters);
    expect(ended.map((summary) => [summary.runId, summary.status])).toEqual([
      [handle.runId, 'succeeded'],
      [handle.runId, 'succeeded'],
      [handle.runId, 'succeeded'],
    ]);
    expect((await handle.done).status).toBe('succeeded');
    expect((await waitForRun(test.workspace, handle.runId)).status).toBe('succeeded');
    // Nobody waits any more: the connection that listened went back to the pool.
    const { pool } = test.workspace.db;
    for (;;) {
      if (pool.totalCount === pool.idleCount) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.totalCount).toBe(pool.idleCount);
  }, 60_000);
});
