import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, resolveConfig } from '@mlp/core';
import type { Table } from './data/table.js';
import { tableFromRecords } from './data/table-from-records.js';
import { formatMetrics } from './format-metrics.js';
import { logTrainingResult } from './log-training-result.js';
import { type ResolvedData, recordDataset } from './resolved-data.js';
import { isDatasetRef, parseSpec } from './spec/load-spec.js';
import { specParams } from './spec/spec-params.js';
import type { TrainSpec, TrainSpecInput } from './spec/train-spec.js';
import { runTrackedSearch } from './tracked-search.js';
import { trainModel } from './train-model.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import type { TrialSummary } from './trial-summary.js';

/** What `train` needs of a dataset catalog (such as @mlp/data-version's), a contract declared in core. */
export type { DatasetResolver } from '@mlp/core';
export type { TrainOptions, TrainResult } from './train-options.js';
export type { TrialSummary } from './trial-summary.js';

/**
 * Trains from a spec with every run tracked: one run, or, when the spec has a `search` (or `trials`
 * is given), a parent run with a child run per trial and the best trial's package on the parent.
 */
export async function train(input: TrainSpecInput | TrainSpec, options: TrainOptions): Promise<TrainResult> {
  let spec = parseSpec(input);
  if (options.trials !== undefined || options.parallel !== undefined) {
    if (!spec.search)
      throw new MlpError(
        'INVALID_ARGUMENT',
        'trials and parallel apply to a search: add a `search` section with the space to search to the spec.',
      );
    spec = parseSpec({
      ...spec,
      search: {
        ...spec.search,
        ...(options.trials !== undefined ? { trials: options.trials } : {}),
        ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      },
    });
  }
  if (options.trialsOn !== undefined && !spec.search && !options.resume)
    throw new MlpError('INVALID_ARGUMENT', 'trialsOn places the trials of a search: add a `search` section to the spec, or leave it out.');
  if ((options.trialsOn ?? spec.search?.workers) === 'queue' && !options.jobQueue)
    throw new MlpError(
      'FAILED_PRECONDITION',
      'trials on the queue need a job queue: pass jobQueue (openJobQueue(workspace) from @mlp/orchestrate), or run `mlp train --trials-on queue` with @mlp/orchestrate installed.',
    );
  const outDir = path.resolve(options.outDir ?? defaultPackageDir());
  await mkdir(outDir, { recursive: true });
  const data = await resolveData(spec, options);
  if (spec.search || options.resume) {
    if (spec.model.type.startsWith('plugin:'))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `A search runs its trials in workers, which cannot be handed the plugin ${spec.model.type}; train plugin models without \`search\`.`,
      );
    return runTrackedSearch(spec, options, { outDir, data });
  }
  return trainOnce(spec, options, outDir, data);
}

/** `.mlp/train` in the default workspace: the one place `mlp train` and the SDK keep packages. */
export function defaultPackageDir(): string {
  return path.join(resolveConfig().config.stateDir, 'train');
}

async function resolveData(spec: TrainSpec, options: TrainOptions): Promise<ResolvedData> {
  if (options.data) return { table: Array.isArray(options.data) ? tableFromRecords(options.data) : (options.data as Table) };
  if (!isDatasetRef(spec.data)) return { dataPath: spec.data };
  if (!options.datasets)
    throw new MlpError(
      'FAILED_PRECONDITION',
      `The spec reads dataset ${spec.data}, but no dataset catalog was given: pass \`datasets\` (openDatasetCatalog from @mlp/data-version), or point \`data\` at a file.`,
    );
  options.onProgress?.(`resolving dataset ${spec.data}`);
  const resolved = await options.datasets.resolve(spec.data);
  return { dataPath: resolved.path, datasetRef: resolved.version.ref };
}

async function trainOnce(spec: TrainSpec, options: TrainOptions, outDir: string, data: ResolvedData): Promise<TrainResult> {
  const run = await options.tracking.startRun({
    experiment: spec.experiment,
    params: specParams(spec),
    tags: { ...spec.tags, 'mlp.train.model': spec.model.type },
  });
  try {
    await recordDataset(run, data);
    const packageDir = path.join(outDir, run.runId);
    options.onProgress?.(`training ${spec.model.type} (run ${run.runId})`);
    const result = await trainModel(spec, {
      ...(data.table ? { table: data.table } : {}),
      ...(data.dataPath ? { dataPath: data.dataPath } : {}),
      packageDir,
      ...(options.plugins ? { plugins: options.plugins } : {}),
      provenance: { runId: run.runId, experimentId: run.experimentId, ...(data.datasetRef ? { dataset: data.datasetRef } : {}) },
      ...(options.signal ? { signal: options.signal } : {}),
      onEpoch: async (epoch, metrics) => {
        options.onProgress?.(`epoch ${epoch}/${spec.epochs}: ${formatMetrics(metrics)}`);
        await run.logMetrics(metrics, { step: epoch });
        return undefined;
      },
    });
    await logTrainingResult(run, result, packageDir);
    await run.end();
    const summary: TrialSummary = { runId: run.runId, index: 0, params: {}, metrics: result.metrics, status: 'FINISHED' };
    return { bestRunId: run.runId, bestMetrics: result.metrics, packageDir, trials: [summary] };
  } catch (error) {
    run.fail(error);
    await run.end('FAILED').catch(() => {});
    throw error;
  }
}
