import { describe, expect, it } from 'vitest';
import { decideTrigger } from './trigger-rule.js';

describe('decideTrigger (Airflow trigger rules)', () => {
  const cases: Array<[Parameters<typeof decideTrigger>[0], Parameters<typeof decideTrigger>[1], ReturnType<typeof decideTrigger>]> = [
    ['all_success', ['succeeded', 'succeeded'], 'run'],
    ['all_success', ['succeeded', 'failed'], 'upstream_failed'],
    ['all_success', ['succeeded', 'upstream_failed'], 'upstream_failed'],
    ['all_success', ['succeeded', 'skipped'], 'skipped'],
    ['all_done', ['failed', 'skipped'], 'run'],
    ['always', ['upstream_failed'], 'run'],
    ['one_failed', ['succeeded', 'failed'], 'run'],
    ['one_failed', ['succeeded', 'skipped'], 'skipped'],
    ['one_success', ['failed', 'succeeded'], 'run'],
    ['one_success', ['failed', 'skipped'], 'upstream_failed'],
    ['one_success', ['skipped', 'skipped'], 'skipped'],
    ['none_failed', ['succeeded', 'skipped'], 'run'],
    ['none_failed', ['succeeded', 'failed'], 'upstream_failed'],
    ['none_failed_min_one_success', ['succeeded', 'skipped'], 'run'],
    ['none_failed_min_one_success', ['skipped', 'skipped'], 'skipped'],
    ['none_failed_min_one_success', ['succeeded', 'cancelled'], 'upstream_failed'],
    ['all_success', [], 'run'],
  ];
  it.each(cases)('%s over %j → %s', (rule, upstream, expected) => {
    expect(decideTrigger(rule, upstream)).toBe(expected);
  });
});
