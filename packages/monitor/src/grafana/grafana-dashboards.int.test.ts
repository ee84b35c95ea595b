import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusRules } from '../prometheus/prometheus-rules.js';
import { exportedFamilies, exportedMetricNames, promqlMetricNames } from '../prometheus/test-support/exported-metrics.js';
import { grafanaDashboards } from './grafana-dashboards.js';
import { grafanaSchemaVersion, promDatasource } from './grafana-panels.js';
import { writeGrafanaDashboards } from './write-dashboards.js';

// Grafana cannot be installed here: these tests check the dashboards' structure and that every query reads a
// metric mlp really exports (names taken from the packages' registries, not from a list kept by hand).

let exported: Set<string>;
let dir: TempDir;
beforeAll(async () => {
  exported = await exportedMetricNames();
  dir = await createTempDir('mlp-dashboards-');
});
afterAll(() => dir.remove());

describe('the PromQL metric-name reader', () => {
  it('finds metrics, not functions, labels, ranges or keywords', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (model, le) (rate(mlp_a_bucket{model=~"$model", x="y{z}"}[$__rate_interval]))) / on (model) group_left mlp_b > 1e3',
      ),
    ).toEqual(['mlp_a_bucket', 'mlp_b']);
    expect(promqlMetricNames('time() - mlp_monitor_last_run_timestamp_seconds{monitor=~"$monitor"}')).toEqual([
      'mlp_monitor_last_run_timestamp_seconds',
    ]);
  });
});

describe('mlp’s Grafana dashboards', () => {
  it('the registries export serving, router, pipeline and drift metrics', () => {
    for (const name of [
      'mlp_model_requests_total',
      'mlp_model_request_duration_seconds_bucket',
      'mlp_deploy_router_requests_total',
      'mlp_orchestrate_runs_finished_total',
      'mlp_monitor_drift_score',
    ]) {
      expect(exported).toContain(name);
    }
    expect(exported).not.toContain('mlp_no_such_metric');
  });

  it('are serving, drift and pipelines, at the current schema version, with unique ids and panels on the grid', () => {
    const boards = grafanaDashboards();
    expect(Object.keys(boards).sort()).toEqual(['mlp-drift.json', 'mlp-pipelines.json', 'mlp-serving.json']);
    for (const board of Object.values(boards)) {
      expect(board.schemaVersion).toBe(grafanaSchemaVersion);
      expect(board.schemaVersion).toBeGreaterThanOrEqual(41);
      expect(board.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(board.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
      expect(board.panels.length).toBeGreaterThan(2);
      expect(new Set(board.panels.map((panel) => panel.id)).size).toBe(board.panels.length);
      for (const panel of board.panels) {
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.targets.length).toBeGreaterThan(0);
        expect(new Set(panel.targets.map((target) => target.refId)).size).toBe(panel.targets.length);
        for (const target of panel.targets) expect(target.datasource).toEqual(promDatasource);
      }
      // panels never overlap
      for (const a of board.panels) {
        for (const b of board.panels) {
          if (a === b) continue;
          const apart =
            a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
            b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
            a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
            b.gridPos.y + b.gridPos.h <= a.gridPos.y;
          expect(apart, `${board.uid}: "${a.title}" overlaps "${b.title}"`).toBe(true);
        }
      }
    }
    expect(new Set(Object.values(boards).map((board) => board.uid)).size).toBe(3);
  });

  it('every query and every label variable names a metric mlp exports', () => {
    for (const board of Object.values(grafanaDashboards())) {
      const queries = [
        ...board.panels.flatMap((panel) => panel.targets.map((target) => ({ where: `${board.uid} "${panel.title}"`, expr: target.expr }))),
        ...board.templating.list.flatMap((variable) =>
          typeof variable.query === 'object'
            ? [{ where: `${board.uid} $${variable.name}`, expr: variable.query.query.replace(/^label_values\((.*),[^,]*\)$/, '$1') }]
            : [],
        ),
      ];
      for (const { where, expr } of queries) {
        const names = promqlMetricNames(expr);
        expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
        for (const name of names) expect(exported.has(name), `${where} reads ${name}, which mlp does not export`).toBe(true);
      }
    }
  });

  it('the Prometheus rules read only metrics mlp exports (or series the rules record)', () => {
    const groups = prometheusRules().groups;
    const recorded = new Set(groups.flatMap((group) => group.rules.flatMap((rule) => ('record' in rule ? [rule.record] : []))));
    for (const rule of groups.flatMap((group) => group.rules)) {
      for (const name of promqlMetricNames(rule.expr)) {
        expect(exported.has(name) || recorded.has(name), `${'alert' in rule ? rule.alert : rule.record} reads ${name}`).toBe(true);
      }
    }
  });

  it('mlp’s metric names follow Prometheus conventions: mlp_ prefix, snake case, base units, _total on counters only', () => {
    const families = [...exportedFamilies].filter(([name]) => name.startsWith('mlp_')); // not prom-client's process_*, nodejs_*
    expect(families.length).toBeGreaterThan(10);
    for (const [name, type] of families) {
      expect(name).toMatch(/^mlp_[a-z0-9]+(_[a-z0-9]+)*$/);
      expect(name, `${name}: base units (seconds, bytes)`).not.toMatch(
        /_(milliseconds|microseconds|ms|minutes|hours|kilobytes|megabytes)(_|$)/,
      );
      if (type === 'counter') expect(name, `counter ${name}`).toMatch(/_total$/);
      else expect(name, `${type} ${name}`).not.toMatch(/_total$/);
      if (type === 'histogram' || type === 'summary') expect(name, `${name}`).not.toMatch(/_(bucket|sum|count)$/);
    }
  });

  it('are written with provisioning files Grafana reads', async () => {
    const written = await writeGrafanaDashboards(dir.path, { prometheusUrl: 'http://prometheus:9090' });
    expect(written.dashboards.map((board) => board.file).sort()).toEqual([
      'dashboards/mlp-drift.json',
      'dashboards/mlp-pipelines.json',
      'dashboards/mlp-serving.json',
    ]);
    expect((await readdir(path.join(dir.path, 'dashboards'))).sort()).toEqual(['mlp-drift.json', 'mlp-pipelines.json', 'mlp-serving.json']);
    const drift = JSON.parse(await readFile(path.join(dir.path, 'dashboards', 'mlp-drift.json'), 'utf8'));
    expect(drift).toMatchObject({ uid: 'mlp-drift', schemaVersion: grafanaSchemaVersion });
    const datasources = parse(await readFile(path.join(dir.path, 'provisioning/datasources/mlp-prometheus.yaml'), 'utf8'));
    expect(datasources).toMatchObject({ apiVersion: 1, datasources: [{ type: 'prometheus', url: 'http://prometheus:9090' }] });
    const providers = parse(await readFile(path.join(dir.path, 'provisioning/dashboards/mlp.yaml'), 'utf8'));
    expect(providers).toMatchObject({ apiVersion: 1, providers: [{ type: 'file', options: { path: path.join(dir.path, 'dashboards') } }] });
  });
});
