import { stringify } from 'yaml';
import { z } from 'zod';

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'must be a Prometheus duration such as 30s, 5m or 1h');

/** What `prometheusRules` writes: windows, thresholds and `for` durations of mlp's alerting and recording rules. */
export const prometheusRulesOptionsSchema = z.object({
  /** The range of `rate()` in the recording rules. */
  window: duration.default('5m'),
  /** How often Prometheus evaluates the groups (omit to use the server's global evaluation interval). */
  evaluationInterval: duration.optional(),
  /** HTTP statuses that count as errors (a regular expression on the `status` label). */
  errorStatus: z.string().min(1).default('5..'),
  /** The error ratio above which `MlpModelHighErrorRate` fires. */
  errorRatio: z.number().gt(0).lt(1).default(0.05),
  /** The 95th-percentile latency in seconds above which `MlpModelHighLatency` fires. */
  latencyP95Seconds: z.number().positive().default(0.5),
  /** How long a condition must hold before the alert fires. */
  for: duration.default('5m'),
  /** A monitor that has not computed a window for this long is stale. */
  staleAfter: duration.default('2h'),
  /** Extra labels on every alert (team, severity overrides, ...). */
  labels: z.record(z.string(), z.string()).default({}),
});
export type PrometheusRulesOptions = z.input<typeof prometheusRulesOptionsSchema>;

export interface RecordingRule {
  record: string;
  expr: string;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}
export interface PrometheusRuleFile {
  groups: RuleGroup[];
}

/** The recorded series the dashboards and the alerts read (Prometheus's `level:metric:operations` naming). */
export function recordedSeries(window: string) {
  return {
    requestRate: `model_version:mlp_model_requests:rate${window}`,
    errorRate: `model_version:mlp_model_request_errors:rate${window}`,
    errorRatio: `model_version:mlp_model_request_errors:ratio_rate${window}`,
    latencyP95: `model_version:mlp_model_request_duration_seconds:p95_rate${window}`,
  };
}

/** mlp's Prometheus rules: recording rules for serving, alerts on errors, latency, dropped predictions, drift and pipelines. */
export function prometheusRules(options: PrometheusRulesOptions = {}): PrometheusRuleFile {
  const o = prometheusRulesOptionsSchema.parse(options);
  const series = recordedSeries(o.window);
  const interval = o.evaluationInterval ? { interval: o.evaluationInterval } : {};
  const alert = (
    name: string,
    expr: string,
    severity: 'warning' | 'critical',
    summary: string,
    description: string,
    forDuration = o.for,
  ): AlertingRule => ({
    alert: name,
    expr,
    for: forDuration,
    labels: { severity, ...o.labels },
    annotations: { summary, description },
  });
  return {
    groups: [
      {
        name: 'mlp-serving-recording',
        ...interval,
        rules: [
          { record: series.requestRate, expr: `sum by (model, version) (rate(mlp_model_requests_total[${o.window}]))` },
          {
            record: series.errorRate,
            expr: `sum by (model, version) (rate(mlp_model_requests_total{status=~"${o.errorStatus}"}[${o.window}]))`,
          },
          { record: series.errorRatio, expr: `${series.errorRate} / ${series.requestRate}` },
          {
            record: series.latencyP95,
            expr: `histogram_quantile(0.95, sum by (model, version, le) (rate(mlp_model_request_duration_seconds_bucket[${o.window}])))`,
          },
        ],
      },
      {
        name: 'mlp-serving-alerts',
        ...interval,
        rules: [
          alert(
            'MlpModelHighErrorRate',
            `${series.errorRatio} > ${o.errorRatio}`,
            'critical',
            'Model {{ $labels.model }} version {{ $labels.version }} answers errors',
            `{{ $value | humanizePercentage }} of requests answered with status ${o.errorStatus} over ${o.window} (limit ${o.errorRatio * 100}%).`,
          ),
          alert(
            'MlpModelHighLatency',
            `${series.latencyP95} > ${o.latencyP95Seconds}`,
            'warning',
            'Model {{ $labels.model }} version {{ $labels.version }} is slow',
            `The 95th-percentile latency is {{ $value | humanizeDuration }} over ${o.window} (limit ${o.latencyP95Seconds}s).`,
          ),
          alert(
            'MlpPredictionLogDropping',
            `increase(mlp_prediction_log_dropped_total[${o.window}]) > 0`,
            'warning',
            'The prediction log drops predictions',
            'The prediction log buffer is full: monitors see fewer rows than were served. Raise the buffer or the log’s write throughput.',
            '0m',
          ),
        ],
      },
      {
        name: 'mlp-monitor-alerts',
        ...interval,
        rules: [
          alert(
            'MlpDatasetDrift',
            'mlp_monitor_dataset_drift == 1',
            'warning',
            'Monitor {{ $labels.monitor }} detects dataset drift',
            '{{ with printf "mlp_monitor_drift_share_ratio{monitor=%q}" $labels.monitor | query }}{{ . | first | value | humanizePercentage }}{{ end }} of the tested columns drifted. Run `mlp monitor show {{ $labels.monitor }}`.',
          ),
          alert(
            'MlpColumnDrift',
            'mlp_monitor_column_drifted == 1',
            'warning',
            'Column {{ $labels.column }} drifted in monitor {{ $labels.monitor }}',
            'The column’s latest window drifted from the reference.',
          ),
          alert(
            'MlpMonitorStale',
            `time() - mlp_monitor_last_run_timestamp_seconds > ${durationSeconds(o.staleAfter)}`,
            'warning',
            'Monitor {{ $labels.monitor }} has not run',
            `No window computed for more than ${o.staleAfter}: check its schedule (mlp monitor show {{ $labels.monitor }}).`,
            '0m',
          ),
        ],
      },
      {
        name: 'mlp-pipeline-alerts',
        ...interval,
        rules: [
          alert(
            'MlpPipelineRunFailed',
            `sum by (pipeline) (increase(mlp_orchestrate_runs_finished_total{status="failed"}[${o.window}])) > 0`,
            'warning',
            'Pipeline {{ $labels.pipeline }} failed',
            `A run of pipeline {{ $labels.pipeline }} failed in the last ${o.window}: see mlp runs.`,
            '0m',
          ),
        ],
      },
    ],
  };
}

const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** `1h30m` → 5400. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(match[1]) * (unitSeconds[match[2] as string] ?? 0);
  return total;
}

/** The rule file as YAML, ready for Prometheus's `rule_files`. */
export function renderPrometheusRules(options: PrometheusRulesOptions = {}): string {
  return `# mlp alerting and recording rules (generated by mlp monitor prometheus-rules)\n${stringify(prometheusRules(options), { lineWidth: 0 })}`;
}
