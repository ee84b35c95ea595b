import { describe, expect, it } from 'vitest';
import { datePart, parseTimestamp } from './date-parts.js';

describe('parseTimestamp', () => {
  it('reads Dates, epoch milliseconds and ISO-8601 text, text without an offset as UTC', () => {
    const time = Date.UTC(2024, 2, 15, 23, 5, 30, 250);
    expect(parseTimestamp(new Date(time))).toBe(time);
    expect(parseTimestamp(time)).toBe(time);
    expect(parseTimestamp('2024-03-15T23:05:30.250Z')).toBe(time);
    expect(parseTimestamp('2024-03-15 23:05:30.250')).toBe(time);
    expect(parseTimestamp('2024-03-16T01:05:30.250+02:00')).toBe(time);
    expect(parseTimestamp('2024-03-16T01:05:30.250+0200')).toBe(time);
    expect(parseTimestamp('2024-03-15')).toBe(Date.UTC(2024, 2, 15));
  });

  it('tells missing (undefined) from unparseable (NaN)', () => {
    for (const missing of [null, Number.NaN, '', '  ', new Date(Number.NaN)]) expect(parseTimestamp(missing)).toBeUndefined();
    for (const invalid of ['3/15/2024', 'soon', '2024-02-30', '2023-02-29', true, Number.POSITIVE_INFINITY])
      expect(parseTimestamp(invalid)).toBeNaN();
    expect(parseTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('datePart', () => {
  it('takes every part in UTC', () => {
    // Sunday 31 December 2023, 22:47 UTC: the last day of a non-leap year.
    const date = new Date(Date.UTC(2023, 11, 31, 22, 47));
    const parts = ['year', 'month', 'day', 'dayOfWeek', 'dayOfYear', 'hour', 'minute', 'minuteOfDay'] as const;
    expect(parts.map((part) => datePart(date, part))).toEqual([2023, 12, 31, 0, 365, 22, 47, 22 * 60 + 47]);
    expect(datePart(new Date(Date.UTC(2024, 11, 31)), 'dayOfYear')).toBe(366);
  });
});
