import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatMetricValue, formatTimestamp, oneLine, runDuration } from './human-format.js';

describe('formatTimestamp', () => {
  it('prints UTC ISO 8601 to the second', () => {
    expect(formatTimestamp(Date.UTC(2024, 4, 1, 12, 30, 5, 789))).toBe('2024-05-01T12:30:05Z');
  });

  it('prints - for a missing time', () => {
    expect(formatTimestamp(null)).toBe('-');
    expect(formatTimestamp(undefined)).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [12_345, '12.3s'],
    [59_999, '59.9s'],
    [245_000, '4m 05s'],
    [2 * 3_600_000 + 3 * 60_000 + 59_000, '2h 03m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 04h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints - for a negative span (clock skew between writers)', () => {
    expect(formatDuration(-5)).toBe('-');
  });
});

describe('runDuration', () => {
  it('measures a finished run from start to end', () => {
    expect(runDuration({ status: 'FINISHED', startTime: 1000, endTime: 3500 }, 99_999)).toBe('2.5s');
  });

  it('measures a running run up to now', () => {
    expect(runDuration({ status: 'RUNNING', startTime: 1000, endTime: null }, 61_000)).toBe('1m 00s');
  });

  it('has no duration for a run that stopped without an end time', () => {
    expect(runDuration({ status: 'KILLED', startTime: 1000, endTime: null }, 61_000)).toBe('-');
  });
});

describe('formatMetricValue', () => {
  it('keeps integers whole and cuts fractions to 6 significant digits', () => {
    expect(formatMetricValue(42)).toBe('42');
    expect(formatMetricValue(0.123456789)).toBe('0.123457');
    expect(formatMetricValue(-1.5)).toBe('-1.5');
  });

  it('names NaN and the infinities', () => {
    expect(formatMetricValue(Number.NaN)).toBe('NaN');
    expect(formatMetricValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(formatMetricValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1234, '1.2 kB'],
    [999_499, '999 kB'],
    [999_999, '1.0 MB'],
    [45_600_000, '46 MB'],
    [3e12, '3.0 TB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('oneLine', () => {
  it('shows line breaks as \\n so a cell stays on one line', () => {
    expect(oneLine('a\nb\r\nc\td')).toBe('a\\nb\\nc d');
  });

  it('cuts long text with an ellipsis, to the given width', () => {
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(oneLine('abcde', 5)).toBe('abcde');
  });
});
