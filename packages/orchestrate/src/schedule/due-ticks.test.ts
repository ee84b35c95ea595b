import { describe, expect, it } from 'vitest';
import { createCronSchedule } from './cron-schedule.js';
import { dueTicks } from './due-ticks.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ticks: number[]) => ticks.map((t) => new Date(t).toISOString().slice(11, 16));
const hourly = (catchup: 'skip' | 'once' | 'all') => createCronSchedule('p', { cron: '0 * * * *', catchup });
// The last run was for 01:00; the scheduler was down until 04:30 and it is now 05:10.
const gap = { lastTick: at('2026-01-01T01:00:00Z'), since: at('2026-01-01T04:30:00Z'), now: at('2026-01-01T05:10:00Z'), limit: 100 };

describe('dueTicks', () => {
  it('skip: drops the ticks missed while no scheduler ran', () => {
    expect(iso(dueTicks(hourly('skip'), gap))).toEqual(['05:00']);
  });

  it('once: starts only the latest missed tick, then the live ones', () => {
    expect(iso(dueTicks(hourly('once'), gap))).toEqual(['04:00', '05:00']);
  });

  it('all: starts every missed tick, oldest first, up to the limit', () => {
    expect(iso(dueTicks(hourly('all'), gap))).toEqual(['02:00', '03:00', '04:00', '05:00']);
    expect(iso(dueTicks(hourly('all'), { ...gap, limit: 2 }))).toEqual(['02:00', '03:00']);
  });

  it('never reaches back before its start without an earlier run', () => {
    for (const policy of ['skip', 'once', 'all'] as const) {
      expect(iso(dueTicks(hourly(policy), { ...gap, lastTick: undefined }))).toEqual(['05:00']);
    }
  });

  it('fires a tick it woke late for, once', () => {
    const live = { lastTick: at('2026-01-01T05:00:00Z'), since: at('2026-01-01T04:30:00Z'), now: at('2026-01-01T06:00:07Z'), limit: 100 };
    expect(iso(dueTicks(hourly('skip'), live))).toEqual(['06:00']);
    expect(dueTicks(hourly('skip'), { ...live, lastTick: at('2026-01-01T06:00:00Z') })).toEqual([]);
  });

  it('once: finds the latest missed tick of a long gap in a cron of every second', () => {
    const everySecond = createCronSchedule('p', { cron: '* * * * * *', catchup: 'once' });
    const since = at('2026-02-01T00:00:00.500Z');
    const due = dueTicks(everySecond, { lastTick: at('2026-01-01T00:00:00Z'), since, now: since + 1_000, limit: 100 });
    expect(due.map((t) => new Date(t).toISOString())).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-01T00:00:01.000Z']);
  });
});
