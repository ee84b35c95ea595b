import { createSilentLogger, type Workspace } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import type { RunHandle, RunSummary, RunTrigger } from '../run/run-types.js';
import type { ScheduledPipeline } from './scheduled-pipelines.js';
import { type ScheduledTick, startScheduler } from './scheduler.js';
import type { SchedulerClock } from './scheduler-clock.js';

/** A clock the test moves: sleepers wake when `advance` passes their time. */
function manualClock(start: number) {
  let now = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  const clock: SchedulerClock = {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        sleepers.push({
          until: now + ms,
          wake: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
        });
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  };
  const settle = () => new Promise((r) => setTimeout(r, 5));
  return {
    clock,
    async advance(ms: number, stepMs = 250) {
      for (const end = now + ms; now < end; ) {
        now = Math.min(end, now + stepMs);
        for (const s of sleepers.splice(0)) (s.until <= now ? s.wake : () => sleepers.push(s))();
        await settle();
      }
    },
  };
}

/** The runs table's UNIQUE (pipeline_name, trigger_key), in memory. */
function fakeRuns() {
  const byKey = new Map<string, { runId: string; trigger: RunTrigger }>();
  const start = async (ref: PipelineRef, trigger: RunTrigger): Promise<RunHandle> => {
    const key = `${ref.name}\0${trigger.key}`;
    const existing = byKey.get(key);
    const runId = existing?.runId ?? `run-${byKey.size + 1}`;
    if (!existing) byKey.set(key, { runId, trigger });
    return { runId, created: !existing, done: Promise.resolve({ runId, status: 'succeeded' } as RunSummary) };
  };
  const lastTick = async (pipeline: string) => {
    const ticks = [...byKey.entries()].filter(([k]) => k.startsWith(`${pipeline}\0`)).map(([, v]) => v.trigger.logicalTime as number);
    return ticks.length ? Math.max(...ticks) : undefined;
  };
  return { byKey, start, lastTick };
}

const workspace = { logger: createSilentLogger() } as unknown as Workspace;
const ref: PipelineRef = { name: 'p', modulePath: 'p.ts', sourceHash: 'h' };
const t0 = Date.parse('2026-01-01T00:00:00.300Z');

describe('startScheduler', () => {
  it('two schedulers on one runs table start each tick once, in order, with its logical time', async () => {
    const { clock, advance } = manualClock(t0);
    const runs = fakeRuns();
    const pipelines = async (): Promise<ScheduledPipeline[]> => [{ ref, schedule: { cron: '* * * * * *' } }];
    const fired: ScheduledTick[] = [];
    const options = { clock, pipelines, start: runs.start, lastTick: runs.lastTick, onTick: (t: ScheduledTick) => fired.push(t) };
    const a = startScheduler(workspace, options);
    const b = startScheduler(workspace, options);
    await advance(10_000);
    await Promise.all([a.close(), b.close()]);
    const ticks = [...runs.byKey.values()].map((r) => r.trigger.logicalTime);
    expect(ticks).toEqual(Array.from({ length: 10 }, (_, i) => t0 - 300 + (i + 1) * 1000));
    expect(
      [...runs.byKey.values()].every(
        (r) => r.trigger.kind === 'schedule' && r.trigger.key === `schedule:${new Date(r.trigger.logicalTime as number).toISOString()}`,
      ),
    ).toBe(true);
    expect(fired.filter((f) => f.created)).toHaveLength(10);
  });

  it('skips a pipeline with a malformed cron and keeps firing the others', async () => {
    const { clock, advance } = manualClock(t0);
    const runs = fakeRuns();
    const other: PipelineRef = { ...ref, name: 'good' };
    const pipelines = async (): Promise<ScheduledPipeline[]> => [
      { ref, schedule: { cron: 'not a cron' } },
      { ref: other, schedule: { cron: '* * * * * *' } },
    ];
    const errors: string[] = [];
    const logger = { ...createSilentLogger(), error: (m: unknown) => errors.push(String(m)) };
    const scheduler = startScheduler({ logger } as unknown as Workspace, { clock, pipelines, start: runs.start, lastTick: runs.lastTick });
    await advance(3_000);
    await scheduler.close();
    expect([...runs.byKey.keys()].every((k) => k.startsWith('good\0'))).toBe(true);
    expect(runs.byKey.size).toBe(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("malformed cron 'not a cron'");
  });

  it('catches up by the policy when it starts after missed ticks', async () => {
    for (const [catchup, expected] of [
      ['skip', 2],
      ['once', 3],
      ['all', 7],
    ] as const) {
      const { clock, advance } = manualClock(t0);
      const runs = fakeRuns();
      await runs.start(ref, { kind: 'schedule', key: 'k0', logicalTime: t0 - 300 - 5_000 });
      const pipelines = async (): Promise<ScheduledPipeline[]> => [{ ref, schedule: { cron: '* * * * * *', catchup } }];
      const scheduler = startScheduler(workspace, { clock, pipelines, start: runs.start, lastTick: runs.lastTick });
      await advance(1_000);
      await scheduler.close();
      // the earlier run, plus: skip = the one live tick; once = the latest missed and the live one; all = 5 missed and the live one
      expect(runs.byKey.size, catchup).toBe(expected);
    }
  });
});
