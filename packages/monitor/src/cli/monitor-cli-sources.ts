import type { CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import type { RunMonitorOptions } from '../monitors/run-monitor.js';

/**
 * What a monitor run reads beyond the monitor package, from the installed modules' CLI services: the
 * prediction log (deploy), dataset versions and lineage (data-version), model versions' runs (registry).
 * A service that is not installed is left out; a run that needs it says which package to install.
 */
export async function monitorCliSources(context: CliContext): Promise<RunMonitorOptions> {
  const workspace = await context.openWorkspace({ applicationName: 'mlp monitor' });
  const [predictionLog, catalog, registry] = await Promise.all([
    context.service('predictionLog'),
    context.service('datasetCatalog'),
    context.service('modelRegistry'),
  ]);
  return {
    plugins: workspace.plugins,
    ...(predictionLog ? { predictionLog } : {}),
    ...(catalog ? { resolveDataset: async (ref: string) => (await catalog.resolve(ref)).path } : {}),
    ...(catalog && registry
      ? {
          trainingData: async (model: string) => {
            const version = await registry.resolve(model);
            if (!version.runId) {
              throw new MlpError(
                'FAILED_PRECONDITION',
                `Version ${version.version} of ${version.name} was registered from a folder, without a run: its training data is unknown. Give --reference a dataset version or a file.`,
              );
            }
            const uses = await catalog.lineage.usesOfRun(version.runId);
            return {
              model: version.name,
              version: version.version,
              datasets: uses.filter((use) => use.role === 'input').map((use) => use.version.ref),
            };
          },
        }
      : {}),
  };
}
