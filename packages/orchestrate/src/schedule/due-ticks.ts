import type { CronSchedule } from './cron-schedule.js';

export interface DueTicksInput {
  /** The latest tick that already has a run, if any. */
  lastTick: number | undefined;
  /** When this scheduler started: without an earlier run, nothing before it is due. */
  since: number;
  now: number;
  /** At most this many ticks per call (the rest come on the next call). */
  limit: number;
}

/**
 * The ticks to start now, oldest first, by the schedule's catch-up policy. Ticks after `since` are
 * always due (the scheduler was up for them, even if it woke late). Ticks missed while no scheduler
 * ran (after the last run, before `since`): `skip` drops them, `once` starts only the latest,
 * `all` starts every one.
 */
export function dueTicks(schedule: CronSchedule, input: DueTicksInput): number[] {
  const { lastTick, since, now, limit } = input;
  const live = schedule.ticksBetween(Math.max(lastTick ?? since, since), now, limit);
  if (lastTick === undefined || lastTick >= since || schedule.catchup === 'skip') return live;
  const missedUntil = Math.min(since, now);
  if (schedule.catchup === 'all') {
    const missed = schedule.ticksBetween(lastTick, missedUntil, limit);
    return missed.length >= limit ? missed : [...missed, ...live].slice(0, limit);
  }
  const missed = latestTick(schedule, lastTick, missedUntil);
  return missed === undefined ? live : [missed, ...live].slice(0, limit);
}

/** The latest tick in (after, until], found without listing every tick of a long gap. */
function latestTick(schedule: CronSchedule, after: number, until: number): number | undefined {
  // Look back from `until` in growing windows, so a cron of every second missed for a month stays cheap.
  for (let window = 60_000; ; window *= 4) {
    const start = Math.max(after, until - window);
    const ticks = schedule.ticksBetween(start, until, Number.MAX_SAFE_INTEGER);
    if (ticks.length > 0 || start === after) return ticks.at(-1);
  }
}
