import { describe, expect, it } from 'vitest';
import { latestDueTick, nextTick } from './monitor-schedule.js';
import { parseAlertExpression, parseDurationMs, parseMonitorSpec } from './monitor-spec.js';

describe('monitor specs', () => {
  it('parses alert expressions as the CLI takes them', () => {
    expect(parseAlertExpression('drift_share>=0.5 for 10m')).toEqual({
      name: 'drift_share',
      metric: 'drift_share',
      op: '>=',
      threshold: 0.5,
      forMs: 600_000,
    });
    expect(parseAlertExpression('delay_drift: column_score[delay] < 0.05 critical')).toEqual({
      name: 'delay_drift',
      metric: 'column_score',
      column: 'delay',
      op: '<',
      threshold: 0.05,
      forMs: 0,
      severity: 'critical',
    });
    expect(parseAlertExpression('latency_p95>250 for 90s').forMs).toBe(90_000);
    expect(() => parseAlertExpression('drift>0.5')).toThrow(/metrics: drift_share, column_score/);
    expect(() => parseAlertExpression('drift_share=0.5')).toThrow(/METRIC OP VALUE/);
  });

  it('reads a quality metric as the quality rule on that metric', () => {
    expect(parseAlertExpression('accuracy<0.8 for 1h critical')).toEqual({
      name: 'accuracy',
      metric: 'quality',
      column: 'accuracy',
      op: '<',
      threshold: 0.8,
      forMs: 3_600_000,
      severity: 'critical',
    });
    expect(parseAlertExpression('quality[roc_auc]<0.7')).toMatchObject({ name: 'quality_roc_auc', metric: 'quality', column: 'roc_auc' });
    expect(parseAlertExpression('quality<0.9')).toEqual({ name: 'quality', metric: 'quality', op: '<', threshold: 0.9, forMs: 0 });
    expect(() => parseAlertExpression('quality[speed]<0.9')).toThrow(/quality\[speed\] is not one of accuracy/);
    expect(() =>
      parseMonitorSpec({
        name: 'd',
        source: { kind: 'dataset', dataset: 'flights' },
        reference: { kind: 'dataset', ref: 'flights@1' },
        windowMs: 60_000,
        quality: { task: 'binary' },
      }),
    ).toThrow(/needs a deployment monitor/);
  });

  it('parses durations and refuses what is not one', () => {
    expect(parseDurationMs('1h', '--window')).toBe(3_600_000);
    expect(parseDurationMs('1500', '--window')).toBe(1500);
    expect(() => parseDurationMs('soon', '--window')).toThrow(/--window "soon" is not a duration/);
  });

  it('checks a spec: names, sources, references, duplicate rules', () => {
    const base = {
      name: 'flights',
      source: { kind: 'deployment', deployment: 'flights', model: 'flights' },
      reference: { kind: 'dataset', ref: 'flights@3' },
      windowMs: 3_600_000,
    };
    const spec = parseMonitorSpec(base);
    expect(spec.tests.driftShare).toBe(0.5);
    expect(spec.schedule).toBeNull();
    expect(() => parseMonitorSpec({ ...base, name: '1x' })).toThrow(/name must start with a letter/);
    expect(() => parseMonitorSpec({ ...base, reference: { kind: 'training-data', model: 'flights' } })).toThrow(/reference.model/);
    const rule = { name: 'a', metric: 'drift_share', op: '>', threshold: 0.5 };
    expect(() => parseMonitorSpec({ ...base, alerts: [rule, rule] })).toThrow(/Two alert rules are named a/);
  });
});

describe('monitor schedules', () => {
  const hour = 3_600_000;
  it('every: the latest multiple of the period after the last tick, once', () => {
    expect(latestDueTick({ everyMs: hour }, 10 * hour + 5, 12 * hour + 7)).toBe(12 * hour);
    expect(latestDueTick({ everyMs: hour }, 12 * hour, 12 * hour + 7)).toBeNull();
    expect(nextTick({ everyMs: hour }, 12 * hour)).toBe(13 * hour);
  });

  it('cron: the latest tick of the pattern in (after, now], missed ones not run one by one', () => {
    const day = Date.UTC(2026, 0, 5);
    expect(latestDueTick({ cron: '*/15 * * * *' }, day, day + hour + 20 * 60_000)).toBe(day + hour + 15 * 60_000);
    expect(latestDueTick({ cron: '0 3 * * *' }, day + 3 * hour, day + 20 * hour)).toBeNull();
    expect(nextTick({ cron: '0 3 * * *' }, day)).toBe(day + 3 * hour);
    expect(() => latestDueTick({ cron: 'every hour' }, 0, 1)).toThrow(/not a cron croner reads/);
  });
});
