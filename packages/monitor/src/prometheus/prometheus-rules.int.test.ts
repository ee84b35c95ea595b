import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { durationSeconds, prometheusRules, renderPrometheusRules } from './prometheus-rules.js';

// promtool comes with Debian's `prometheus` package (.ci/run installs it when missing).
const run = promisify(execFile);

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir('mlp-rules-');
});
afterEach(() => dir.remove());

const serving = (status: string, values: string) => ({
  series: `mlp_model_requests_total{model="flights",version="3",status="${status}"}`,
  values,
});

describe('mlp’s Prometheus rules', () => {
  it('pass promtool check rules, with the default and custom settings', async () => {
    for (const [name, options] of [
      ['default.yml', {}],
      ['custom.yml', { window: '1m', evaluationInterval: '15s', errorStatus: '4..|5..', for: '30s', labels: { team: 'ml' } }],
    ] as const) {
      const file = path.join(dir.path, name);
      await writeFile(file, renderPrometheusRules(options));
      const result = await promtool('check', 'rules', file);
      expect(result.output).toContain('SUCCESS: 11 rules found');
      expect(result.code).toBe(0);
    }
  });

  it('promtool check rules rejects a broken rule file (the check can fail)', async () => {
    const file = path.join(dir.path, 'broken.yml');
    const rules = prometheusRules();
    (rules.groups[0]?.rules[0] as { expr: string }).expr = 'sum by (model (rate(mlp_model_requests_total[5m]))';
    await writeFile(file, stringify(rules));
    const result = await promtool('check', 'rules', file);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('parse error');
  });

  it('fire and stay quiet as promtool test rules expects: errors, drift, a stale monitor, a failed pipeline', async () => {
    await writeFile(path.join(dir.path, 'rules.yml'), renderPrometheusRules());
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            serving('200', '0+60x30'),
            serving('500', '0x5 30+30x25'),
            { series: 'mlp_model_requests_total{model="ok",version="1",status="200"}', values: '0+60x30' },
            { series: 'mlp_model_requests_total{model="ok",version="1",status="500"}', values: '0x30' },
          ],
          promql_expr_test: [
            {
              expr: 'model_version:mlp_model_request_errors:ratio_rate5m',
              eval_time: '20m',
              exp_samples: [
                { labels: 'model_version:mlp_model_request_errors:ratio_rate5m{model="flights",version="3"}', value: 1 / 3 },
                { labels: 'model_version:mlp_model_request_errors:ratio_rate5m{model="ok",version="1"}', value: 0 },
              ],
            },
          ],
          alert_rule_test: [
            // errors start after 5m: the ratio crosses 5% at once, and the alert waits its `for` of 5m
            { eval_time: '4m', alertname: 'MlpModelHighErrorRate', exp_alerts: [] },
            { eval_time: '8m', alertname: 'MlpModelHighErrorRate', exp_alerts: [] },
            {
              eval_time: '20m',
              alertname: 'MlpModelHighErrorRate',
              exp_alerts: [
                {
                  exp_labels: { severity: 'critical', model: 'flights', version: '3' },
                  exp_annotations: {
                    summary: 'Model flights version 3 answers errors',
                    description: '33.33% of requests answered with status 5.. over 5m (limit 5%).',
                  },
                },
              ],
            },
          ],
        },
        {
          interval: '1m',
          input_series: [
            { series: 'mlp_monitor_dataset_drift{monitor="flights"}', values: '0x5 1x20' },
            { series: 'mlp_monitor_drift_share_ratio{monitor="flights"}', values: '0.1x5 0.6x20' },
            { series: 'mlp_monitor_last_run_timestamp_seconds{monitor="flights"}', values: '0x200' },
            { series: 'mlp_orchestrate_runs_finished_total{pipeline="retrain",status="succeeded"}', values: '0+1x30' },
            { series: 'mlp_orchestrate_runs_finished_total{pipeline="retrain",status="failed"}', values: '0x10 1x20' },
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'MlpDatasetDrift', exp_alerts: [] },
            {
              eval_time: '15m',
              alertname: 'MlpDatasetDrift',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', monitor: 'flights' },
                  exp_annotations: {
                    summary: 'Monitor flights detects dataset drift',
                    description: '60% of the tested columns drifted. Run `mlp monitor show flights`.',
                  },
                },
              ],
            },
            { eval_time: '9m', alertname: 'MlpPipelineRunFailed', exp_alerts: [] },
            {
              eval_time: '12m',
              alertname: 'MlpPipelineRunFailed',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', pipeline: 'retrain' },
                  exp_annotations: {
                    summary: 'Pipeline retrain failed',
                    description: 'A run of pipeline retrain failed in the last 5m: see mlp runs.',
                  },
                },
              ],
            },
            { eval_time: '2h', alertname: 'MlpMonitorStale', exp_alerts: [] },
            {
              eval_time: '2h1m',
              alertname: 'MlpMonitorStale',
              exp_alerts: [
                {
                  exp_labels: { severity: 'warning', monitor: 'flights' },
                  exp_annotations: {
                    summary: 'Monitor flights has not run',
                    description: 'No window computed for more than 2h: check its schedule (mlp monitor show flights).',
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    await writeFile(path.join(dir.path, 'rules.test.yml'), stringify(tests));
    const result = await promtool('test', 'rules', path.join(dir.path, 'rules.test.yml'));
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('reads Prometheus durations as seconds', () => {
    expect(durationSeconds('2h')).toBe(7200);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('1500ms')).toBe(1.5);
  });
});
