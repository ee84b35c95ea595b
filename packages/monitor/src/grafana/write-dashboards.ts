import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@mlp/core';
import { grafanaDashboards, grafanaProvisioning } from './grafana-dashboards.js';

export interface WriteDashboardsOptions {
  /** Where Grafana reads the dashboards from (the provider's `path`); `DIR/dashboards` by default. */
  dashboardsPath?: string;
  /** The Prometheus URL of the provisioned data source; http://localhost:9090 by default. */
  prometheusUrl?: string;
}

export interface WrittenDashboards {
  dashboards: { file: string; uid: string; title: string }[];
  provisioning: string[];
}

/** Writes `DIR/dashboards/*.json` and `DIR/provisioning/{datasources,dashboards}/*.yaml`, each file atomically. */
export async function writeGrafanaDashboards(dir: string, options: WriteDashboardsOptions = {}): Promise<WrittenDashboards> {
  const root = path.resolve(dir);
  const dashboardsDir = path.join(root, 'dashboards');
  await mkdir(dashboardsDir, { recursive: true });
  const dashboards: WrittenDashboards['dashboards'] = [];
  for (const [name, board] of Object.entries(grafanaDashboards())) {
    await writeFileAtomic(path.join(dashboardsDir, name), `${JSON.stringify(board, null, 2)}\n`);
    dashboards.push({ file: `dashboards/${name}`, uid: board.uid, title: board.title });
  }
  const provisioning = grafanaProvisioning({
    dashboardsPath: options.dashboardsPath ?? dashboardsDir,
    ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
  });
  for (const [relative, text] of Object.entries(provisioning)) {
    const file = path.join(root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, text);
  }
  return { dashboards, provisioning: Object.keys(provisioning) };
}
