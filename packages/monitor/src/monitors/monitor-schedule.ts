import { MlpError } from '@mlp/core';
import { Cron } from 'croner';
import type { MonitorSpec } from './monitor-spec.js';

type Schedule = NonNullable<MonitorSpec['schedule']>;

/** Checks a schedule as `create` takes it: a cron croner parses (5 fields, or 6 with seconds), a known time zone. */
export function checkSchedule(schedule: Schedule): void {
  if ('everyMs' in schedule) return;
  cronOf(schedule);
}

function cronOf(schedule: { cron: string; timezone?: string | undefined }): Cron {
  try {
    return new Cron(schedule.cron, { paused: true, timezone: schedule.timezone ?? 'UTC', mode: '5-or-6-parts' });
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The schedule '${schedule.cron}' is not a cron croner reads (${(error as Error).message}): use 5 fields (minute hour day month weekday), or --every 1h.`,
    );
  }
}

/**
 * The latest tick in (after, now], or null: `--every` ticks fall on multiples of its length (epoch ms), cron
 * ticks where the pattern says. Missed ticks are not run one by one: only the latest (a monitor's window
 * ends at its tick, so the latest tick covers the freshest data).
 */
export function latestDueTick(schedule: Schedule, after: number, now: number): number | null {
  if ('everyMs' in schedule) {
    const tick = Math.floor(now / schedule.everyMs) * schedule.everyMs;
    return tick > after ? tick : null;
  }
  const cron = cronOf(schedule);
  let latest: number | null = null;
  // Bounded: a pattern every second over a long outage would otherwise walk every missed tick.
  for (let tick = cron.nextRun(new Date(after))?.getTime(), steps = 0; tick !== undefined && tick <= now && steps < 10_000; steps++) {
    latest = tick;
    tick = cron.nextRun(new Date(tick))?.getTime();
  }
  return latest;
}

/** The next tick after `after` (for `show`), or null. */
export function nextTick(schedule: Schedule, after: number): number | null {
  if ('everyMs' in schedule) return (Math.floor(after / schedule.everyMs) + 1) * schedule.everyMs;
  return cronOf(schedule).nextRun(new Date(after))?.getTime() ?? null;
}
