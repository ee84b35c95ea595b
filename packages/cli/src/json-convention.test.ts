import { describe, expect, it } from 'vitest';
import { jsonConventionViolations } from './json-convention.js';

describe('jsonConventionViolations', () => {
  it('accepts snake_case keys, epoch-millisecond times, nulls, and user maps as given', () => {
    const document = [{ run_id: 'r1', start_time: 1000, end_time: null, created_at: 5, duration_ms: 3, tags: { 'mlflow.runName': 'x' } }];
    expect(jsonConventionViolations(document)).toEqual([]);
  });

  it('names camelCase keys and times printed as strings, with their path', () => {
    const document = { versions: [{ rootHash: 'abc', created_at: '2026-12-02T16:00:00.000Z' }], startedAt: 5 };
    expect(jsonConventionViolations(document)).toEqual([
      'versions[0].rootHash: key is not snake_case',
      'versions[0].created_at: a time is epoch milliseconds (a number), not "2026-12-02T16:00:00.000Z"',
      'startedAt: key is not snake_case',
    ]);
  });

  it('checks inside keys that are not declared free-form', () => {
    expect(jsonConventionViolations({ tags: { camelKey: 1 } }, { freeform: [] })).toEqual(['tags.camelKey: key is not snake_case']);
  });

  it('checks a list under a time-like name as a list, not as a time', () => {
    expect(jsonConventionViolations({ drift_over_time: [{ window_start: 1, window_end: 2 }] })).toEqual([]);
    expect(jsonConventionViolations({ drift_over_time: [{ windowEnd: '2026-01-01' }] })).toEqual([
      'drift_over_time[0].windowEnd: key is not snake_case',
    ]);
    expect(jsonConventionViolations({ stopped_at: true })).toEqual(['stopped_at: a time is epoch milliseconds (a number), not true']);
  });
});
