import { MlpError } from '@mlp/core';
import { Cron } from 'croner';
import type { PipelineSchedule } from '../pipeline/pipeline-types.js';

export type CatchupPolicy = NonNullable<PipelineSchedule['catchup']>;
export const catchupPolicies: readonly CatchupPolicy[] = ['skip', 'once', 'all'];

/** A pipeline's cron, parsed once: its ticks as epoch ms. */
export interface CronSchedule {
  readonly pipeline: string;
  readonly cron: string;
  readonly timezone: string;
  readonly catchup: CatchupPolicy;
  /** The first tick strictly after `after`, or undefined when the pattern has no more. */
  next(after: number): number | undefined;
  /** Ticks in (`after`, `until`], oldest first, at most `limit` of them. */
  ticksBetween(after: number, until: number, limit: number): number[];
}

/**
 * Parses a pipeline's schedule with croner (5 fields, or 6 with seconds first; nicknames such as
 * `@daily`). A malformed cron, an unknown time zone or catch-up policy is an INVALID_ARGUMENT naming it.
 */
export function createCronSchedule(pipeline: string, schedule: PipelineSchedule): CronSchedule {
  const timezone = schedule.timezone ?? 'UTC';
  const catchup = schedule.catchup ?? 'skip';
  if (!catchupPolicies.includes(catchup))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `pipeline '${pipeline}': catchup '${String(catchup)}' is not one of ${catchupPolicies.join(', ')}.`,
    );
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `pipeline '${pipeline}': unknown time zone '${timezone}' in its schedule; use an IANA name such as 'Europe/Paris' or 'UTC'.`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule.cron, { paused: true, timezone, mode: '5-or-6-parts' });
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `pipeline '${pipeline}': malformed cron '${schedule.cron}' (${(error as Error).message}); use 5 fields (minute hour day month weekday) or 6 with seconds first.`,
    );
  }
  const next = (after: number): number | undefined => cron.nextRun(new Date(after))?.getTime();
  return {
    pipeline,
    cron: schedule.cron,
    timezone,
    catchup,
    next,
    ticksBetween(after, until, limit) {
      const ticks: number[] = [];
      for (let tick = next(after); tick !== undefined && tick <= until && ticks.length < limit; tick = next(tick)) ticks.push(tick);
      return ticks;
    },
  };
}

/** The idempotency key of a tick: a schedule, a backfill and a second scheduler starting it make one run. */
export function scheduleTriggerKey(tick: number): string {
  return `schedule:${new Date(tick).toISOString()}`;
}
