import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createCronSchedule, scheduleTriggerKey } from './cron-schedule.js';

const at = (iso: string) => Date.parse(iso);

describe('createCronSchedule', () => {
  it('ticks in the schedule time zone', () => {
    const daily = createCronSchedule('p', { cron: '0 9 * * *', timezone: 'Europe/Paris' });
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(new Date(daily.next(at('2026-01-10T12:00:00Z')) as number).toISOString()).toBe('2026-01-11T08:00:00.000Z');
    expect(new Date(daily.next(at('2026-07-10T12:00:00Z')) as number).toISOString()).toBe('2026-07-11T07:00:00.000Z');
  });

  it('lists the ticks of a range, after excluded and until included, up to a limit', () => {
    const hourly = createCronSchedule('p', { cron: '0 * * * *' });
    const ticks = hourly.ticksBetween(at('2026-01-01T00:00:00Z'), at('2026-01-01T03:00:00Z'), 10);
    expect(ticks.map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
    ]);
    expect(hourly.ticksBetween(at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), 2)).toHaveLength(2);
  });

  it('takes six fields with seconds first', () => {
    const everySecond = createCronSchedule('p', { cron: '* * * * * *' });
    expect(everySecond.next(1_500)).toBe(2_000);
  });

  it('refuses a malformed cron, naming it and the pipeline', () => {
    for (const cron of ['61 * * * *', 'every day', '* * *']) {
      const error = (() => {
        try {
          createCronSchedule('nightly', { cron });
        } catch (e) {
          return e;
        }
      })();
      expect(MlpError.isInstance(error)).toBe(true);
      expect((error as MlpError).code).toBe('INVALID_ARGUMENT');
      expect((error as MlpError).message).toContain(`'${cron}'`);
      expect((error as MlpError).message).toContain("'nightly'");
    }
  });

  it('refuses an unknown time zone and catch-up policy', () => {
    expect(() => createCronSchedule('p', { cron: '* * * * *', timezone: 'Mars/Base' })).toThrow(/unknown time zone 'Mars\/Base'/);
    expect(() => createCronSchedule('p', { cron: '* * * * *', catchup: 'some' as 'all' })).toThrow(/catchup 'some'/);
  });

  it('keys a tick by its ISO time', () => {
    expect(scheduleTriggerKey(at('2026-03-01T06:00:00Z'))).toBe('schedule:2026-03-01T06:00:00.000Z');
  });
});
