import { describe, expect, it } from 'vitest';
import { parseAnalysisConditions } from './analysis-condition.js';
import { promqlFor } from './analysis-probe.js';
import { parseMetricSamples } from './metric-samples.js';
import { analyzeWindow, histogramQuantile, measureWindow } from './window-measures.js';

/** A scrape of one server: requests by status and a latency histogram, as the model server exposes them. */
function scrape(ok: number, errors: number, buckets: Record<string, number>, dropped = 0): string {
  const lines = [
    '# HELP mlp_model_requests_total Requests',
    '# TYPE mlp_model_requests_total counter',
    `mlp_model_requests_total{model="flights",version="2",status="200"} ${ok}`,
    `mlp_model_requests_total{model="flights",version="2",status="500"} ${errors}`,
    `mlp_model_requests_total{model="flights",version="2",status="400"} 3`,
    '# TYPE mlp_model_request_duration_seconds histogram',
    ...Object.entries(buckets).map(
      ([le, count]) => `mlp_model_request_duration_seconds_bucket{model="flights",version="2",le="${le}"} ${count}`,
    ),
    `mlp_model_request_duration_seconds_count{model="flights",version="2"} ${buckets['+Inf'] ?? 0}`,
    `mlp_prediction_log_dropped_total ${dropped}`,
    'mlp_model_queue_depth{model="flights"} 4',
  ];
  return lines.join('\n');
}

describe('analysis conditions', () => {
  it('parses the built-in measures and custom metric expressions, commas inside label sets included', () => {
    const conditions = parseAnalysisConditions([
      'error_rate<0.01,p99_ms<50',
      'requests>=20, increase(mlp_prediction_log_dropped_total)<1',
      'rate(x_total{a="1",b="2"})<=5',
    ]);
    expect(conditions.map((c) => [c.text, c.measure.kind, c.op, c.threshold])).toEqual([
      ['error_rate<0.01', 'error_rate', '<', 0.01],
      ['p99_ms<50', 'latency', '<', 50],
      ['requests>=20', 'requests', '>=', 20],
      ['increase(mlp_prediction_log_dropped_total)<1', 'custom', '<', 1],
      ['rate(x_total{a="1",b="2"})<=5', 'custom', '<=', 5],
    ]);
    expect(conditions[4]?.measure).toEqual({ kind: 'custom', fn: 'rate', metric: 'x_total', labels: { a: '1', b: '2' } });
  });

  it('refuses what it cannot measure, naming the condition', () => {
    expect(() => parseAnalysisConditions(['error_rate'])).toThrow(/'error_rate' is not MEASURE<NUMBER/);
    expect(() => parseAnalysisConditions(['p100_ms<5'])).toThrow(/percentile/);
    expect(() => parseAnalysisConditions(['increase(x<5'])).toThrow(/not a known measure/);
    expect(() => parseAnalysisConditions(['x{a=1}<5'])).toThrow(/name="value"/);
  });
});

describe('measures over an interval', () => {
  const before = parseMetricSamples(scrape(100, 0, { '0.005': 90, '0.01': 100, '0.05': 100, '+Inf': 100 }));
  const after = parseMetricSamples(scrape(290, 10, { '0.005': 180, '0.01': 290, '0.05': 299, '+Inf': 300 }, 2));
  const window = { before, after, seconds: 10 };

  it('counts 5xx over all requests of the interval, not since the server started', () => {
    // 190 ok + 10 errors (+0 new 400s) in the interval.
    expect(measureWindow({ kind: 'error_rate' }, window)).toBeCloseTo(10 / 200);
    expect(measureWindow({ kind: 'requests' }, window)).toBe(200);
    // The 400s did not grow in the interval: failures are the same 10.
    expect(measureWindow({ kind: 'failure_rate' }, window)).toBeCloseTo(10 / 200);
    const refused = parseMetricSamples(scrape(290, 10, { '+Inf': 300 }).replace('status="400"} 3', 'status="400"} 53'));
    expect(measureWindow({ kind: 'failure_rate' }, { before, after: refused, seconds: 10 })).toBeCloseTo(60 / 250);
    expect(measureWindow({ kind: 'error_rate' }, { before, after: refused, seconds: 10 })).toBeCloseTo(10 / 250);
  });

  it('reads latency percentiles from bucket increases, interpolating inside a bucket', () => {
    // 200 observations in the interval: 90 up to 5 ms, 100 in 5–10 ms, 9 in 10–50 ms, 1 above.
    expect(histogramQuantile(window, 'mlp_model_request_duration_seconds', 0.5)).toBeCloseTo(0.005 + 0.005 * (10 / 100));
    expect(measureWindow({ kind: 'latency', quantile: 0.99 }, window)).toBeCloseTo((0.01 + 0.04 * (8 / 9)) * 1000);
  });

  it('takes a counter that went down as restarted (its whole value counts, per series)', () => {
    const restarted = parseMetricSamples(scrape(5, 1, { '+Inf': 6 }));
    expect(measureWindow({ kind: 'requests' }, { before, after: restarted, seconds: 1 })).toBe(6);
  });

  it('judges conditions: a failure names the measured value; no traffic is inconclusive', () => {
    const failed = analyzeWindow(parseAnalysisConditions(['error_rate<0.01,p99_ms<100']), window);
    expect(failed.outcome).toBe('fail');
    expect(failed.reason).toMatch(/error_rate<0.01 \(measured 0.05000\)/);
    const passed = analyzeWindow(
      parseAnalysisConditions(['error_rate<0.1,increase(mlp_prediction_log_dropped_total)<5,mlp_model_queue_depth<=4']),
      window,
    );
    expect(passed).toMatchObject({ outcome: 'pass', reason: null });
    const idle = analyzeWindow(parseAnalysisConditions(['error_rate<0.01']), { before, after: before, seconds: 10 });
    expect(idle.outcome).toBe('inconclusive');
  });

  it('writes the same measures as PromQL for a Prometheus server', () => {
    const selector = { model: 'flights', version: '2' };
    expect(promqlFor({ kind: 'error_rate' }, selector, 30)).toBe(
      'sum(increase(mlp_model_requests_total{model="flights",version="2",status=~"5.."}[30s])) / sum(increase(mlp_model_requests_total{model="flights",version="2"}[30s]))',
    );
    expect(promqlFor({ kind: 'latency', quantile: 0.99 }, selector, 30)).toBe(
      'histogram_quantile(0.99, sum by (le) (rate(mlp_model_request_duration_seconds_bucket{model="flights",version="2"}[30s]))) * 1000',
    );
  });
});
