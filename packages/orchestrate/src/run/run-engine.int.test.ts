import type { Workspace } from '@mlp/core';
import { openTestWorkspace, type TestEngine } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, type PipelineDefinition } from '../pipeline/define-pipeline.js';
import type { TriggerRule } from '../pipeline/pipeline-types.js';
import { loadRunSummary } from '../store/run-summary.js';
import { cancelRun } from './cancel-run.js';
import { retryRun } from './retry-run.js';
import { startRun } from './start-run.js';

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5 };

async function eventsOf(workspace: Workspace, runId: string): Promise<string[]> {
  const rows = await workspace.db.query<{ type: string }>(`select type from mlp_events where payload->>'run_id' = $1 order by id`, [runId]);
  return rows.map((row) => row.type);
}

describe.each<TestEngine>(['embedded', 'postgres'])('run engine on %s', (engine) => {
  let workspace: Workspace;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ workspace, cleanup } = await openTestWorkspace(engine, 'mlp-orchestrate-'));
  });
  afterAll(async () => cleanup?.());

  it('runs steps in dependency order with typed inputs, map fan-out and stored outputs, logs and events', async () => {
    const seen: string[] = [];
    const pipeline = definePipeline('basic', { params: z.object({ n: z.coerce.number().int() }) })
      .step('numbers', {}, (ctx) => {
        seen.push('numbers');
        ctx.logger.info(`making ${ctx.params.n} numbers`);
        return Array.from({ length: ctx.params.n }, (_, i) => i + 1);
      })
      .map('square', { over: 'numbers', concurrency: 2 }, (_ctx, item) => item * item)
      .step('total', { needs: ['square', 'numbers'] }, (_ctx, { square, numbers }) => {
        seen.push('total');
        return { sum: square.reduce((a, b) => a + b, 0), count: numbers.length };
      })
      .step('big', {}, () => 'x'.repeat(300 * 1024))
      .step('check', { needs: ['big', 'total'] }, (_ctx, { big, total }) => `${big.length}:${total.sum}`);
    const handle = await startRun(workspace, pipeline, { params: { n: '4' } });
    const summary = await handle.done;
    expect(summary.status).toBe('succeeded');
    expect(summary.params).toEqual({ n: 4 });
    expect(seen).toEqual(['numbers', 'total']);
    expect(summary.tasks.map((t) => `${t.name}${t.mapIndex === undefined ? '' : `[${t.mapIndex}]`}:${t.status}`)).toEqual([
      'numbers:succeeded',
      'square:succeeded',
      'square[0]:succeeded',
      'square[1]:succeeded',
      'square[2]:succeeded',
      'square[3]:succeeded',
      'total:succeeded',
      'big:succeeded',
      'check:succeeded',
    ]);
    const outputs = await workspace.db.query<{ step: string; kind: string; value: unknown }>(
      `select t.step, o.kind, o.value from orchestrate_outputs o join orchestrate_tasks t using (task_id) where o.run_id = $1 and t.step in ('total', 'big', 'check')`,
      [handle.runId],
    );
    const byStep = Object.fromEntries(outputs.map((row) => [row.step, row]));
    expect(byStep.total).toMatchObject({ kind: 'json', value: { sum: 30, count: 4 } });
    expect(byStep.big?.kind).toBe('blob');
    expect(byStep.check?.value).toBe(`${300 * 1024}:30`);
    const logs = await workspace.db.query<{ message: string }>('select message from orchestrate_logs where run_id = $1', [handle.runId]);
    expect(logs.map((l) => l.message)).toContain('making 4 numbers');
    const events = await eventsOf(workspace, handle.runId);
    expect(events[0]).toBe('pipeline_run.started');
    expect(events.at(-1)).toBe('pipeline_run.finished');
    expect(events.filter((e) => e === 'task.succeeded')).toHaveLength(8);
  });

  it('retries a failing step with backoff, records each attempt, and fails the run when retries run out', async () => {
    let calls = 0;
    const flaky = definePipeline('flaky')
      .step('sometimes', { retries: 2, backoff: fastRetry }, (ctx) => {
        calls += 1;
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
        return ctx.attempt;
      })
      .step('never', { retries: 1, backoff: fastRetry }, () => {
        throw new Error('always broken');
      })
      .step('after', { needs: ['never'] }, () => 1);
    const summary = await (await startRun(workspace, flaky)).done;
    expect(calls).toBe(3);
    expect(summary.status).toBe('failed');
    const byName = Object.fromEntries(summary.tasks.map((t) => [t.name, t]));
    expect(byName.sometimes).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(byName.never).toMatchObject({ status: 'failed', attempts: 2, error: { message: 'always broken' } });
    expect(byName.never?.error?.stack).toContain('always broken');
    expect(byName.after?.status).toBe('upstream_failed');
    const attempts = await workspace.db.query<{ status: string }>(
      `select a.status from orchestrate_attempts a join orchestrate_tasks t using (task_id) where t.run_id = $1 and t.step = 'sometimes' order by attempt`,
      [summary.runId],
    );
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(await eventsOf(workspace, summary.runId)).toContain('task.retrying');
  });

  it('applies every trigger rule to a failed, a succeeded and a skipped upstream', async () => {
    const rules: TriggerRule[] = [
      'all_success',
      'all_done',
      'one_failed',
      'one_success',
      'none_failed',
      'none_failed_min_one_success',
      'always',
    ];
    // Built in a loop, as a JavaScript module would: the typed builder needs literal names.
    type LooseBuilder = PipelineDefinition & {
      step(name: string, options: { needs: string[]; triggerRule: TriggerRule }, run: () => unknown): LooseBuilder;
    };
    let pipeline = definePipeline('rules')
      .step('ok', {}, () => 1)
      .step('bad', {}, () => {
        throw new Error('no');
      })
      .step('skipper', { needs: ['bad'], triggerRule: 'one_failed' }, () => 1)
      .step('skipped', { needs: ['ok'], triggerRule: 'one_failed' }, () => 1) as unknown as LooseBuilder;
    for (const rule of rules) {
      pipeline = pipeline.step(`ok_${rule}`, { needs: ['ok', 'skipped'], triggerRule: rule }, () => rule);
      pipeline = pipeline.step(`bad_${rule}`, { needs: ['ok', 'bad'], triggerRule: rule }, () => rule);
    }
    const summary = await (await startRun(workspace, pipeline)).done;
    const status = Object.fromEntries(summary.tasks.map((t) => [t.name, t.status]));
    expect(status.skipped).toBe('skipped');
    expect(status.skipper).toBe('succeeded');
    expect(rules.map((rule) => [rule, status[`ok_${rule}`], status[`bad_${rule}`]])).toEqual([
      ['all_success', 'skipped', 'upstream_failed'],
      ['all_done', 'succeeded', 'succeeded'],
      ['one_failed', 'skipped', 'succeeded'],
      ['one_success', 'succeeded', 'succeeded'],
      ['none_failed', 'succeeded', 'upstream_failed'],
      ['none_failed_min_one_success', 'succeeded', 'upstream_failed'],
      ['always', 'succeeded', 'succeeded'],
    ]);
  });

  it('times out a step that overruns, and serves a cached step from the cache until it expires', async () => {
    let runs = 0;
    const pipeline = definePipeline('timing', { params: z.object({ key: z.string() }) })
      .step('slow', { timeoutMs: 50 }, (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(0))))
      .step('cached', { cache: { ttlMs: 3_600_000 } }, (ctx) => {
        runs += 1;
        return `value for ${ctx.params.key}`;
      });
    const first = await (await startRun(workspace, pipeline, { params: { key: 'a' } })).done;
    const slow = first.tasks.find((t) => t.name === 'slow');
    expect(slow).toMatchObject({ status: 'failed', error: { message: 'timed out after 50 ms' } });
    const second = await (await startRun(workspace, pipeline, { params: { key: 'a' } })).done;
    const third = await (await startRun(workspace, pipeline, { params: { key: 'b' } })).done;
    expect(runs).toBe(2);
    expect(second.tasks.find((t) => t.name === 'cached')).toMatchObject({ status: 'succeeded', cached: true, attempts: 0 });
    expect(third.tasks.find((t) => t.name === 'cached')).toMatchObject({ status: 'succeeded', cached: false, attempts: 1 });
  });

  it('fails a task whose output JSON cannot hold, with the path of the bad value, before anything downstream runs', async () => {
    let downstream = 0;
    const pipeline = definePipeline('bad-output')
      .step('when', {}, () => ({ at: new Date(0) }))
      .step('next', { needs: ['when'] }, () => {
        downstream += 1;
      });
    const summary = await (await startRun(workspace, pipeline)).done;
    expect(summary.status).toBe('failed');
    expect(summary.tasks[0]).toMatchObject({ status: 'failed', error: { code: 'INVALID_ARGUMENT' } });
    expect(summary.tasks[0]!.error!.message).toMatch(/step 'when' returned a Date instance at output\.at, which JSON cannot hold/);
    expect(summary.tasks[1]!.status).toBe('upstream_failed');
    expect(downstream).toBe(0);
    const outputs = await workspace.db.query('select 1 from orchestrate_outputs where run_id = $1', [summary.runId]);
    expect(outputs).toHaveLength(0);
  });

  it('bounds tasks at once by the pipeline across its runs, and by a pool across pipelines', async () => {
    let active = 0;
    let most = 0;
    const busy = async () => {
      active += 1;
      most = Math.max(most, active);
      await new Promise((resolve) => setTimeout(resolve, 20));
      active -= 1;
    };
    const one = definePipeline('one-at-a-time', { concurrency: 1 }).step('a', {}, busy).step('b', {}, busy).step('c', {}, busy);
    const runs = await Promise.all([startRun(workspace, one), startRun(workspace, one)]);
    expect((await Promise.all(runs.map((r) => r.done))).map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(most).toBe(1);

    most = 0;
    const pooled = (name: string) =>
      definePipeline(name, { pools: { gpu: 1 } })
        .step('x', { pool: 'gpu' }, busy)
        .step('y', { pool: 'gpu' }, busy);
    const both = await Promise.all([startRun(workspace, pooled('pool-a')), startRun(workspace, pooled('pool-b'))]);
    expect((await Promise.all(both.map((r) => r.done))).map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    expect(most).toBe(1);
    expect(() => definePipeline('undeclared').step('x', { pool: 'tpu' }, busy).validate()).toThrow(/pool 'tpu', which has no limit/);
  });

  it('resumes a run whose engine died between the last item of a map step and the step itself', async () => {
    let totals = 0;
    const pipeline = definePipeline('torn-map')
      .step('list', {}, () => [1, 2, 3])
      .map('inc', { over: 'list' }, (_ctx, n) => n + 1)
      .step('total', { needs: ['inc'] }, (_ctx, { inc }) => {
        totals += 1;
        return inc.reduce((a, b) => a + b, 0);
      });
    const first = await (await startRun(workspace, pipeline)).done;
    expect(first.status).toBe('succeeded');
    // The state a kill leaves between the items' commits and the step's: items done, step running, nothing after.
    const db = workspace.db;
    await db.query(
      `update orchestrate_runs set status = 'running', owner = null, lease_expires_at = null, ended_time = null where run_id = $1`,
      [first.runId],
    );
    await db.query(
      `update orchestrate_tasks set status = 'running', ended_time = null where run_id = $1 and step = 'inc' and map_index = -1`,
      [first.runId],
    );
    await db.query(`delete from orchestrate_outputs where task_id = $1`, [`${first.runId}:total`]);
    await db.query(`update orchestrate_tasks set status = 'pending', attempts = 0, fence = 0 where task_id = $1`, [`${first.runId}:total`]);
    await db.query(`delete from orchestrate_attempts where task_id = $1`, [`${first.runId}:total`]);
    const resumed = await (await retryRun(workspace, first.runId, { pipeline })).done;
    expect(resumed.status).toBe('succeeded');
    expect(resumed.tasks.find((t) => t.name === 'inc' && t.mapIndex === undefined)?.status).toBe('succeeded');
    expect(totals).toBe(2);
  });

  it('starts one run per trigger key', async () => {
    const pipeline = definePipeline('keyed').step('one', {}, () => 1);
    const [a, b] = await Promise.all([
      startRun(workspace, pipeline, { trigger: { kind: 'schedule', key: 'tick-1', logicalTime: 1000 } }),
      startRun(workspace, pipeline, { trigger: { kind: 'schedule', key: 'tick-1', logicalTime: 1000 } }),
    ]);
    expect(a.runId).toBe(b.runId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect((await a.done).status).toBe('succeeded');
    expect((await b.done).status).toBe('succeeded');
  });

  it('retry re-runs only the failed steps and their dependents, reusing what succeeded', async () => {
    const calls: string[] = [];
    let broken = true;
    const pipeline = definePipeline('retryable')
      .step('a', {}, () => {
        calls.push('a');
        return 2;
      })
      .step('b', { needs: ['a'] }, (_ctx, { a }) => {
        calls.push('b');
        if (broken) throw new Error('b is broken');
        return a * 10;
      })
      .step('c', { needs: ['b'] }, (_ctx, { b }) => {
        calls.push('c');
        return b + 1;
      });
    const failed = await (await startRun(workspace, pipeline)).done;
    expect(failed.status).toBe('failed');
    broken = false;
    const retried = await (await retryRun(workspace, failed.runId, { pipeline })).done;
    expect(retried.runId).toBe(failed.runId);
    expect(retried.status).toBe('succeeded');
    expect(calls).toEqual(['a', 'b', 'b', 'c']);
    expect(retried.tasks.find((t) => t.name === 'b')).toMatchObject({ attempts: 2, status: 'succeeded' });
  });

  it('cancels a running run: the running step is aborted and the rest never start', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const pipeline = definePipeline('cancellable')
      .step(
        'wait',
        {},
        (ctx) =>
          new Promise((resolve) => {
            started();
            ctx.signal.addEventListener('abort', () => resolve('aborted'));
          }),
      )
      .step('later', { needs: ['wait'] }, () => 1);
    const handle = await startRun(workspace, pipeline);
    await running;
    await cancelRun(workspace, handle.runId);
    const summary = await handle.done;
    expect(summary.status).toBe('cancelled');
    expect(summary.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect((await loadRunSummary(workspace, handle.runId)).status).toBe('cancelled');
  });
});
