import { describe, expect, it } from 'vitest';
import { monitorAlertJson, monitorDriftPointJson } from './monitor-alert-json.js';

describe('the monitor JSON (mlp monitor --json and the web UI API)', () => {
  it('prints an alert snake_case, times in epoch ms and null while not reached', () => {
    expect(
      monitorAlertJson({
        alertId: 'a1',
        monitor: 'flights',
        rule: 'drift',
        key: 'drift|delay',
        column: 'delay',
        severity: 'warning',
        state: 'pending',
        value: 0.4,
        activeSince: 1000,
        firedAt: null,
        resolvedAt: null,
      }),
    ).toEqual({
      alert_id: 'a1',
      monitor: 'flights',
      rule: 'drift',
      key: 'drift|delay',
      column: 'delay',
      severity: 'warning',
      state: 'pending',
      value: 0.4,
      active_since: 1000,
      fired_at: null,
      resolved_at: null,
    });
  });

  it('prints a drift point with only the columns’ test, score, threshold and verdict', () => {
    const column = { column: 'delay', test: 'ks', score: 0.01, threshold: 0.05, drifted: true };
    const point = { windowStart: 0, windowEnd: 60_000, rows: 10, datasetDrift: true, driftShare: 1, columns: [{ ...column, extra: 1 }] };
    expect(monitorDriftPointJson(point)).toEqual({
      window_start: 0,
      window_end: 60_000,
      rows: 10,
      dataset_drift: true,
      drift_share: 1,
      columns: [column],
    });
  });
});
