import type { Workspace } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import type { RunHandle, RunSummary, RunTrigger } from '../run/run-types.js';
import { backfill, maxBackfillTicks } from './backfill.js';

const workspace = {} as Workspace;
const daily = { name: 'nightly', modulePath: 'n.ts', sourceHash: 'h', schedule: { cron: '0 6 * * *' } };
const at = (iso: string) => Date.parse(iso);

function recorder(existingKeys: string[] = []) {
  const triggers: RunTrigger[] = [];
  const start = async (trigger: RunTrigger): Promise<RunHandle> => {
    triggers.push(trigger);
    const runId = `run-${triggers.length}`;
    return {
      runId,
      created: !existingKeys.includes(trigger.key as string),
      done: Promise.resolve({ runId, status: 'succeeded' } as RunSummary),
    };
  };
  return { triggers, start };
}

describe('backfill', () => {
  it('starts one run per tick in the range, both ends included, with the tick as logical time', async () => {
    const { triggers, start } = recorder(['schedule:2026-01-02T06:00:00.000Z']);
    const result = await backfill(workspace, daily, { from: at('2026-01-01T06:00:00Z'), to: at('2026-01-03T06:00:00Z'), start });
    expect(triggers.map((t) => [t.kind, t.key, t.logicalTime])).toEqual([
      ['backfill', 'schedule:2026-01-01T06:00:00.000Z', at('2026-01-01T06:00:00Z')],
      ['backfill', 'schedule:2026-01-02T06:00:00.000Z', at('2026-01-02T06:00:00Z')],
      ['backfill', 'schedule:2026-01-03T06:00:00.000Z', at('2026-01-03T06:00:00Z')],
    ]);
    expect(result.map((r) => [r.created, r.status])).toEqual([
      [true, 'succeeded'],
      [false, 'succeeded'],
      [true, 'succeeded'],
    ]);
  });

  it('runs up to `concurrency` ticks at once', async () => {
    let active = 0;
    let peak = 0;
    const start = async (trigger: RunTrigger): Promise<RunHandle> => {
      active++;
      peak = Math.max(peak, active);
      const done = new Promise<RunSummary>((resolve) => setTimeout(() => resolve({ status: 'succeeded' } as RunSummary), 5)).finally(
        () => active--,
      );
      return { runId: String(trigger.logicalTime), created: true, done };
    };
    const result = await backfill(workspace, daily, {
      from: at('2026-01-01T00:00:00Z'),
      to: at('2026-01-10T00:00:00Z'),
      concurrency: 3,
      start,
    });
    expect(result).toHaveLength(9);
    expect(peak).toBe(3);
  });

  it('refuses a reversed range, a pipeline without a schedule, and a range with too many ticks', async () => {
    const { start } = recorder();
    await expect(backfill(workspace, daily, { from: 2, to: 1, start })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const { schedule: _, ...unscheduled } = daily;
    await expect(backfill(workspace, unscheduled, { from: 1, to: 2, start })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    const everySecond = { ...daily, schedule: { cron: '* * * * * *' } };
    await expect(backfill(workspace, everySecond, { from: 0, to: (maxBackfillTicks + 5) * 1000, start })).rejects.toThrow(
      /more than 10000 runs/,
    );
    // Counting ten thousand cron ticks is CPU work: a loaded machine may take longer than the default 5 s.
  }, 30_000);
});
