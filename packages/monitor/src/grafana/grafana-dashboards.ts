import { stringify } from 'yaml';
import { dashboard, dashboardVariables, type GrafanaDashboard } from './grafana-panels.js';

const sel = '{model=~"$model", version=~"$version"}';
const rateOf = (metric: string, matchers = sel) => `rate(${metric}${matchers}[$__rate_interval])`;

/** Serving: traffic, errors, latency, batching and queueing of mlp model servers and the deployment router. */
export function servingDashboard(): GrafanaDashboard {
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum by (model, version, le) (${rateOf('mlp_model_request_duration_seconds_bucket')}))`;
  return dashboard({
    uid: 'mlp-serving',
    title: 'mlp / Serving',
    description: 'Model servers (mlp serve) and the deployment router: requests, errors, latency, batching and queues.',
    variables: dashboardVariables([
      { name: 'model', label: 'Model', metric: 'mlp_model_requests_total' },
      { name: 'version', label: 'Version', metric: 'mlp_model_requests_total' },
    ]),
    panels: [
      {
        title: 'Requests per second',
        unit: 'reqps',
        queries: [{ expr: `sum by (model, version) (${rateOf('mlp_model_requests_total')})`, legend: '{{model}} v{{version}}' }],
      },
      {
        title: 'Error ratio (4xx and 5xx)',
        unit: 'percentunit',
        min: 0,
        queries: [
          {
            expr: `sum by (model, version) (${rateOf('mlp_model_requests_total', '{model=~"$model", version=~"$version", status=~"4..|5.."}')}) / sum by (model, version) (${rateOf('mlp_model_requests_total')})`,
            legend: '{{model}} v{{version}}',
          },
        ],
      },
      {
        title: 'Latency',
        unit: 's',
        queries: [
          { expr: quantile(0.5), legend: 'p50 {{model}} v{{version}}' },
          { expr: quantile(0.95), legend: 'p95 {{model}} v{{version}}' },
          { expr: quantile(0.99), legend: 'p99 {{model}} v{{version}}' },
        ],
      },
      {
        title: 'Requests by status',
        unit: 'reqps',
        queries: [{ expr: `sum by (status) (${rateOf('mlp_model_requests_total')})`, legend: '{{status}}' }],
      },
      {
        title: 'Rows per model run (dynamic batching)',
        width: 8,
        queries: [
          {
            expr: `sum by (model) (rate(mlp_model_batch_size_sum{model=~"$model"}[$__rate_interval])) / sum by (model) (rate(mlp_model_batch_size_count{model=~"$model"}[$__rate_interval]))`,
            legend: '{{model}}',
          },
        ],
      },
      {
        title: 'Queue depth and requests in flight',
        width: 8,
        queries: [
          { expr: 'sum by (model) (mlp_model_queue_depth{model=~"$model"})', legend: 'queued {{model}}' },
          { expr: 'sum by (instance) (mlp_model_inflight_requests)', legend: 'in flight {{instance}}' },
        ],
      },
      {
        title: 'Predictions dropped by the prediction log',
        width: 8,
        queries: [{ expr: 'sum by (instance) (increase(mlp_prediction_log_dropped_total[$__rate_interval]))', legend: '{{instance}}' }],
      },
      {
        title: 'Router traffic by revision and variant',
        unit: 'reqps',
        queries: [
          {
            expr: 'sum by (deployment, revision, variant) (rate(mlp_deploy_router_requests_total[$__rate_interval]))',
            legend: '{{deployment}} {{revision}} {{variant}}',
          },
        ],
      },
      {
        title: 'Router latency p95',
        unit: 's',
        queries: [
          {
            expr: 'histogram_quantile(0.95, sum by (deployment, revision, le) (rate(mlp_deploy_router_request_duration_seconds_bucket[$__rate_interval])))',
            legend: '{{deployment}} {{revision}}',
          },
        ],
      },
    ],
  });
}

/** Drift: each monitor's dataset drift, drift share over time, and its columns' scores against their thresholds. */
export function driftDashboard(): GrafanaDashboard {
  const m = '{monitor=~"$monitor"}';
  return dashboard({
    uid: 'mlp-drift',
    title: 'mlp / Drift',
    description: 'Data and prediction drift of mlp monitors: the latest window of each, and drift over time.',
    variables: dashboardVariables([{ name: 'monitor', label: 'Monitor', metric: 'mlp_monitor_drift_share_ratio' }]),
    panels: [
      { title: 'Dataset drift', type: 'stat', width: 8, queries: [{ expr: `mlp_monitor_dataset_drift${m}`, legend: '{{monitor}}' }] },
      {
        title: 'Drifted share of columns',
        type: 'stat',
        unit: 'percentunit',
        width: 8,
        queries: [{ expr: `mlp_monitor_drift_share_ratio${m}`, legend: '{{monitor}}' }],
      },
      {
        title: 'Time since the last window',
        type: 'stat',
        unit: 's',
        width: 8,
        queries: [{ expr: `time() - mlp_monitor_last_run_timestamp_seconds${m}`, legend: '{{monitor}}' }],
      },
      {
        title: 'Drift share over time',
        unit: 'percentunit',
        min: 0,
        max: 1,
        width: 24,
        queries: [{ expr: `mlp_monitor_drift_share_ratio${m}`, legend: '{{monitor}}' }],
      },
      {
        title: 'Column drift scores',
        description:
          'p-values (KS, chi-squared, Z: drift below the threshold) and distances (Wasserstein, Jensen-Shannon, PSI, KL: drift above it)',
        queries: [{ expr: `mlp_monitor_drift_score${m}`, legend: '{{monitor}} {{column}} ({{test}})' }],
      },
      {
        title: 'Drifted columns',
        type: 'table',
        queries: [
          { expr: `mlp_monitor_column_drifted${m} == 1`, legend: '{{monitor}} {{column}}' },
          { expr: `mlp_monitor_drift_threshold${m}`, legend: 'threshold {{column}}' },
        ],
      },
    ],
  });
}

/** Pipelines: orchestrate's runs, task failures and task durations. */
export function pipelinesDashboard(): GrafanaDashboard {
  const p = '{pipeline=~"$pipeline"}';
  return dashboard({
    uid: 'mlp-pipelines',
    title: 'mlp / Pipelines',
    description: 'mlp orchestrate pipelines: finished runs by status, failing steps, task durations.',
    variables: dashboardVariables([{ name: 'pipeline', label: 'Pipeline', metric: 'mlp_orchestrate_runs_finished_total' }]),
    panels: [
      {
        title: 'Runs finished by status',
        queries: [
          {
            expr: `sum by (pipeline, status) (increase(mlp_orchestrate_runs_finished_total${p}[$__rate_interval]))`,
            legend: '{{pipeline}} {{status}}',
          },
        ],
      },
      {
        title: 'Task failures by step',
        queries: [
          {
            expr: `sum by (pipeline, step) (increase(mlp_orchestrate_task_failures_total${p}[$__rate_interval]))`,
            legend: '{{pipeline}} / {{step}}',
          },
        ],
      },
      {
        title: 'Task duration p95 by step',
        unit: 's',
        width: 24,
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (pipeline, step, le) (rate(mlp_orchestrate_task_duration_seconds_bucket${p}[$__rate_interval])))`,
            legend: '{{pipeline}} / {{step}}',
          },
        ],
      },
    ],
  });
}

/** mlp's dashboards, keyed by file name. */
export function grafanaDashboards(): Record<string, GrafanaDashboard> {
  return {
    'mlp-serving.json': servingDashboard(),
    'mlp-drift.json': driftDashboard(),
    'mlp-pipelines.json': pipelinesDashboard(),
  };
}

/** Grafana provisioning files: a Prometheus data source and a file provider for the dashboards folder. */
export function grafanaProvisioning(options: { dashboardsPath: string; prometheusUrl?: string }): Record<string, string> {
  return {
    'provisioning/datasources/mlp-prometheus.yaml': stringify({
      apiVersion: 1,
      datasources: [
        {
          name: 'Prometheus',
          uid: 'mlp-prometheus',
          type: 'prometheus',
          access: 'proxy',
          url: options.prometheusUrl ?? 'http://localhost:9090',
          isDefault: true,
          jsonData: { timeInterval: '15s' },
        },
      ],
    }),
    'provisioning/dashboards/mlp.yaml': stringify({
      apiVersion: 1,
      providers: [
        {
          name: 'mlp',
          orgId: 1,
          folder: 'mlp',
          type: 'file',
          disableDeletion: false,
          allowUiUpdates: true,
          updateIntervalSeconds: 30,
          options: { path: options.dashboardsPath, foldersFromFilesStructure: false },
        },
      ],
    }),
  };
}
