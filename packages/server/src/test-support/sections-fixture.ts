import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetBrowser, MonitorAlertReader, Workspace } from '@mlp/core';
import { openDataRepo, openDatasetCatalog } from '@mlp/data-version';
import { addDeployment, createDeploymentControl } from '@mlp/deploy';
import { openAlertStore, openMonitorReader, openMonitorStore, parseMonitorSpec, runMonitor } from '@mlp/monitor';
import { startRun } from '@mlp/orchestrate';
import { openRegistry, type Registry } from '@mlp/registry';
import { createTracking } from '@mlp/tracking';
import { defineSuite, openValidationStore, validate, validationResultsReader } from '@mlp/validate';
import type { ServerOptions } from '../create-server.js';

/** What the sections fixture made, to check the pages against. */
export interface SeededSections {
  runId: string;
  pipelineRunId: string;
  registry: Registry;
  /** What the server reads datasets and monitors through, to compare its answers with core's shapes. */
  datasets: DatasetBrowser;
  monitors: MonitorAlertReader;
}

const csv = (rows: number) =>
  ['origin,delay', ...Array.from({ length: rows }, (_, i) => `${['SEA', 'LAX', 'SFO'][i % 3]},${(i * 7) % 90}`)].join('\n');

/**
 * Every section's package on one workspace, through the packages' own SDKs: two versions of the
 * dataset `flights` (a validation of the second), a tracked run that used flights@2 and logged a
 * model, the model `delay` v1 (@champion, promoted through a gate) and v2, the deployment `delay-api`,
 * a firing drift alert, and a finished pipeline run with logs.
 */
export async function seedSections(
  workspace: Workspace,
  dir: string,
): Promise<{ options: Partial<ServerOptions>; seeded: SeededSections }> {
  await mkdir(path.join(dir, 'data'), { recursive: true });
  const catalog = await openDatasetCatalog(workspace, { repo: await openDataRepo({ root: dir }), user: 'ada' });
  await writeFile(path.join(dir, 'data', 'flights.csv'), csv(30));
  await catalog.addVersion({ dataset: 'flights', path: 'data/flights.csv', message: 'first cut' });
  await writeFile(path.join(dir, 'data', 'flights.csv'), csv(60));
  await catalog.addVersion({ dataset: 'flights', path: 'data/flights.csv', message: 'more rows' });
  const rows = Array.from({ length: 60 }, (_, i) => ({ origin: ['SEA', 'LAX', 'SFO'][i % 3], delay: (i * 7) % 90 }));
  const suite = defineSuite('flights-checks')
    .expect('expectColumnValuesToNotBeNull', { column: 'delay' })
    .expect('expectColumnValuesToBeBetween', { column: 'delay', minValue: 0, maxValue: 60 });
  await validate(rows, suite, { workspace, datasetVersion: 'flights@2' });

  const tracking = createTracking(workspace, { lineage: catalog.lineage, captureProvenance: false });
  const run = await tracking.startRun({ experiment: 'delay-training', name: 'train-delay', datasets: ['flights@2'] });
  await run.logMetrics({ auc: 0.91 });
  await run.logArtifact(new TextEncoder().encode('weights'), { path: 'model/model.onnx' });
  await run.end();

  const registry = await openRegistry(workspace, { tracking, actor: 'ada' });
  await registry.registerVersion({ name: 'delay', source: `runs:/${run.runId}/model` });
  await registry.registerVersion({ name: 'delay', source: `runs:/${run.runId}/model` });
  await registry.setGates('delay', ['metrics.auc >= 0.5']);
  await registry.promote('delay', 1, { alias: 'champion', reason: 'first model' });
  await addDeployment(workspace, registry, { name: 'delay-api', model: 'models:/delay@champion' });

  const alerts = await openAlertStore(workspace);
  const rule = {
    name: 'drift-share',
    metric: 'drift_share' as const,
    op: '>' as const,
    threshold: 0.3,
    forMs: 0,
    severity: 'critical' as const,
  };
  await alerts.evaluate('flights-drift', [rule], [{ metric: 'drift_share', value: 0.5 }], Date.now());
  // A dataset monitor run on two windows (flights@latest against flights@1): its drift over time.
  await (await openMonitorStore(workspace)).create(
    parseMonitorSpec({
      name: 'flights-data',
      source: { kind: 'dataset', dataset: 'flights' },
      reference: { kind: 'dataset', ref: 'flights@1' },
      windowMs: 60_000,
    }),
  );
  const resolveDataset = async (ref: string) => (await catalog.resolve(ref)).path;
  for (const windowEnd of [120_000, 180_000]) await runMonitor(workspace, 'flights-data', { windowEnd, resolveDataset });

  // From a module file, as `mlp pipeline run` does: the pipeline's graph is recorded with the run.
  const modulePath = fileURLToPath(new URL('./ui-demo-pipeline.ts', import.meta.url));
  const pipelineRun = await (await startRun(workspace, { name: 'ui-demo', modulePath, sourceHash: '' })).done;

  const monitors = await openMonitorReader(workspace);
  return {
    options: {
      registry,
      datasets: catalog,
      validations: validationResultsReader(await openValidationStore(workspace)),
      alerts: monitors,
      deployments: createDeploymentControl(workspace),
      pipelineRoutes: [],
    },
    seeded: { runId: run.runId, pipelineRunId: pipelineRun.runId, registry, datasets: catalog, monitors },
  };
}
