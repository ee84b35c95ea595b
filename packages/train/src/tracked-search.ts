import { createHash, randomUUID } from 'node:crypto';
import { rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlpError, plural } from '@mlp/core';
import type { ActiveRun, Run } from '@mlp/tracking';
import type { Table } from './data/table.js';
import { fitTarget } from './features/target-encoder.js';
import { formatMetrics } from './format-metrics.js';
import { logTrainingResult } from './log-training-result.js';
import { type ResolvedData, recordDataset } from './resolved-data.js';
import { runSearch } from './search/run-search.js';
import type { TrialRecord } from './search/sampler.js';
import { applyParams, type Params } from './search/search-space.js';
import { specParams } from './spec/spec-params.js';
import type { SearchSpec, TrainSpec } from './spec/train-spec.js';
import { defaultObjective, readSpecData, type TrainModelResult } from './train-model.js';
import type { TrainOptions, TrainResult } from './train-options.js';
import type { TrainTrialInput } from './train-trial.js';
import { loadTrialHistory, searchTags } from './trial-history.js';
import type { TrialSummary } from './trial-summary.js';

/** The worker module each trial runs: `train-trial` beside this file (`.ts` in tests, `.js` once built). */
const trialModule = new URL(`./train-trial${path.extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;

/**
 * A hyper-parameter search, tracked: a parent run, a child run per trial (params, per-epoch metrics,
 * final metrics, artifacts), the best trial's metrics and package on the parent. Resumable.
 */
export async function runTrackedSearch(
  requested: TrainSpec,
  options: TrainOptions,
  resolved: { outDir: string; data: ResolvedData },
): Promise<TrainResult> {
  const { tracking } = options;
  if (!requested.search) throw new MlpError('INVALID_ARGUMENT', 'Resuming needs the spec of the search, with its `search` section.');
  // A resume continues the search as it started: the recorded trials and parallelism, unless given again.
  const resumed = options.resume ? await tracking.getRun(options.resume) : undefined;
  const spec = resumed ? withRecordedSettings(requested, resumed, options) : requested;
  const search = spec.search as SearchSpec;
  const specHash = hashSpec(spec);
  if (resumed && ![specHash, legacyHashSpec(spec)].includes(resumed.tags[searchTags.specHash] ?? ''))
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Run ${resumed.runId} ${resumed.tags[searchTags.specHash] ? 'searched a different spec' : 'is not a search'}; resume a search with the spec it started with.`,
    );

  // Read the data once up front: a bad target fails here, before any trial, and fixes the task.
  const table = resolved.data.table ?? (await readSpecData(spec, resolved.data.dataPath ?? spec.data, options.signal));
  const task = spec.task ?? inferTask(spec, table);
  const objective = {
    metric: search.metric ?? defaultObjective(task).metric,
    direction: search.direction ?? defaultObjective(task).direction,
  };
  const base: TrainSpec = { ...spec, task };

  let parent: ActiveRun;
  let history: TrialRecord[] = [];
  let earlierRuns = new Map<number, Run>();
  if (resumed) {
    const run = resumed;
    ({ history, runs: earlierRuns } = await loadTrialHistory(tracking, run, objective));
    parent = await tracking.resumeRun(run.runId);
    options.onProgress?.(`resuming search ${run.runId}: ${history.filter((trial) => trial.status !== 'RUNNING').length} trials done`);
  } else {
    parent = await tracking.startRun({
      experiment: spec.experiment,
      params: {
        ...specParams(base),
        'search.sampler': search.sampler,
        [searchSettings.trials]: search.trials,
        [searchSettings.parallel]: search.parallel ?? 0,
        'search.metric': objective.metric,
      },
      tags: { ...spec.tags, [searchTags.specHash]: specHash, 'mlp.train.model': spec.model.type },
    });
    await recordDataset(parent, resolved.data);
  }
  options.onProgress?.(
    `search ${parent.runId} started (${search.trials} trials, ${search.sampler}); after an interruption, resume ${parent.runId}`,
  );
  options.onEvent?.({
    type: 'search-started',
    parentRunId: parent.runId,
    trials: search.trials,
    ended: history.filter((trial) => trial.status !== 'RUNNING').length,
    sampler: search.sampler,
    metric: objective.metric,
  });

  const children = new Map<number, ActiveRun>();
  const packageDirs = new Map<number, string>();
  const summaries = new Map<number, TrialSummary>();
  const loggedEpochs = new Map<number, number>();
  try {
    const outcome = await runSearch({
      search: { ...search, metric: objective.metric, direction: objective.direction, workers: options.trialsOn ?? search.workers },
      ...(options.jobQueue ? { jobQueue: options.jobQueue } : {}),
      seed: spec.seed,
      maxEpochs: spec.epochs,
      history,
      module: trialModule,
      ...(options.signal ? { signal: options.signal } : {}),
      makeInput: (index: number, params: Params): TrainTrialInput => {
        // Named before the trial's run exists (the pool starts it next), unique per attempt; a finished
        // trial's package moves to `<outDir>/<its run id>`, where every training's package is.
        const packageDir = path.join(resolved.outDir, '.partial', `${parent.runId}-trial-${index}-${randomUUID().slice(0, 8)}`);
        packageDirs.set(index, packageDir);
        return {
          spec: applyParams(base, params),
          table,
          packageDir,
          provenance: {
            parentRunId: parent.runId,
            trial: index,
            ...(resolved.data.datasetRef ? { dataset: resolved.data.datasetRef } : {}),
          },
        };
      },
      objective: (result: unknown) => (result as TrainModelResult).metrics[objective.metric],
      async onTrialStart(index: number, params: Params) {
        const trialSpec = applyParams(base, params);
        const child = await tracking.startRun({
          experiment: spec.experiment,
          name: `trial-${index}`,
          parent: parent.runId,
          params: specParams(trialSpec),
          tags: { ...spec.tags, [searchTags.index]: String(index), [searchTags.params]: JSON.stringify(params) },
        });
        await recordDataset(child, resolved.data);
        children.set(index, child);
        options.onProgress?.(`trial ${index} started (run ${child.runId}): ${JSON.stringify(params)}`);
        options.onEvent?.({ type: 'trial-started', index, runId: child.runId, params, epochs: trialSpec.epochs });
      },
      async onEpoch(index: number, epoch: number, metrics: Record<string, number>) {
        // A trial run again (its queue worker died) reports its first epochs again: they are logged once.
        if (epoch <= (loggedEpochs.get(index) ?? 0)) return;
        loggedEpochs.set(index, epoch);
        await children.get(index)?.logMetrics(metrics, { step: epoch });
        options.onEvent?.({ type: 'epoch', index, epoch, metrics });
      },
      async onTrialEnd(
        record: TrialRecord,
        end: { status: string; result?: unknown; error?: { code: string; message: string }; epoch?: number },
      ) {
        const child = children.get(record.index);
        if (!child) return;
        const summary: TrialSummary = { runId: child.runId, index: record.index, params: record.params, metrics: {}, status: 'FAILED' };
        if (record.status === 'FINISHED') {
          const result = end.result as TrainModelResult;
          const packageDir = path.join(resolved.outDir, child.runId);
          await rename(packageDirs.get(record.index) as string, packageDir);
          packageDirs.set(record.index, packageDir);
          await logTrainingResult(child, result, packageDir);
          Object.assign(summary, { status: 'FINISHED', metrics: result.metrics });
          child.setTag(searchTags.status, 'FINISHED');
          await child.end();
        } else if (record.status === 'PRUNED') {
          summary.status = 'PRUNED';
          child.setTags({ [searchTags.status]: 'PRUNED', 'mlp.trial.pruned_at_epoch': String(end.epoch ?? '') });
          await child.end('KILLED');
        } else {
          const message = end.error?.message ?? `the trial gave no ${objective.metric}`;
          summary.error = message;
          child.setTag(searchTags.status, 'FAILED');
          child.fail(new MlpError((end.error?.code as never) ?? 'INTERNAL', message));
          await child.end('FAILED');
        }
        summaries.set(record.index, summary);
        options.onProgress?.(
          `trial ${record.index} ${summary.status}${summary.error ? `: ${summary.error}` : ''} ${formatMetrics(pick(summary.metrics, objective.metric))}`,
        );
        options.onEvent?.({ type: 'trial-ended', trial: summary });
      },
    });

    const best = outcome.best;
    if (!best)
      throw new MlpError(
        'FAILED_PRECONDITION',
        `No trial of search ${parent.runId} finished with a ${objective.metric}; see the trials' failure reasons.`,
      );
    const runIdOf = (index: number) => children.get(index)?.runId ?? earlierRuns.get(index)?.runId;
    const bestRunId = runIdOf(best.index);
    if (!bestRunId) throw new MlpError('INTERNAL', `The best trial ${best.index} has no run.`);
    const bestMetrics = metricsOf((await tracking.getRun(bestRunId)).metrics);
    // A best trial from an earlier session left its package at <outDir>/<run id> when it ran on this machine.
    const earlier = path.join(resolved.outDir, bestRunId);
    const bestPackage =
      packageDirs.get(best.index) ?? ((await stat(path.join(earlier, 'mlp-model.json')).catch(() => undefined)) ? earlier : undefined);
    parent.setTags({ [searchTags.best]: bestRunId, 'mlp.search.best_trial': String(best.index) });
    await parent.logMetrics(Object.fromEntries(Object.entries(bestMetrics).map(([key, value]) => [`best_${key}`, value])));
    // Otherwise (another machine) its own run holds it.
    if (bestPackage) await parent.logArtifacts(bestPackage, { path: 'model' });
    await parent.end();

    const trials = outcome.trials.map(
      (record): TrialSummary =>
        summaries.get(record.index) ?? {
          runId: runIdOf(record.index) ?? '',
          index: record.index,
          params: record.params,
          metrics: metricsOf(earlierRuns.get(record.index)?.metrics),
          status: record.status === 'RUNNING' ? 'FAILED' : record.status,
        },
    );
    return { parentRunId: parent.runId, bestRunId, bestMetrics, ...(bestPackage ? { packageDir: bestPackage } : {}), trials };
  } catch (error) {
    for (const child of children.values()) if (child.status === 'RUNNING') await child.end('KILLED').catch(() => {});
    parent.fail(error);
    await parent.end('FAILED').catch(() => {});
    if (options.signal?.aborted)
      throw new MlpError(
        'UNAVAILABLE',
        `Search ${parent.runId} was interrupted after ${plural(summaries.size, 'trial')} in this session; resume ${parent.runId} to finish it (mlp train SPEC --resume ${parent.runId}).`,
        { cause: error },
      );
    throw error;
  }
}

/** Params on a search's parent run holding the settings a resume takes unless given again. */
const searchSettings = { trials: 'search.trials', parallel: 'search.parallel' } as const;

function withRecordedSettings(spec: TrainSpec, parent: Run, options: TrainOptions): TrainSpec {
  const recorded = (key: string) => {
    const value = Number(parent.params[key]);
    return parent.params[key] !== undefined && Number.isSafeInteger(value) ? value : undefined;
  };
  const trials = options.trials ?? recorded(searchSettings.trials);
  const parallel = options.parallel ?? recorded(searchSettings.parallel);
  return {
    ...spec,
    search: {
      ...(spec.search as SearchSpec),
      ...(trials !== undefined ? { trials } : {}),
      ...(parallel !== undefined ? { parallel } : {}),
    },
  };
}

/** What a resume must match: the spec without the settings a resume may change (how many trials, how many at once). */
function hashSpec(spec: TrainSpec): string {
  const { trials: _trials, parallel: _parallel, ...search } = spec.search as SearchSpec;
  return createHash('sha256')
    .update(JSON.stringify({ ...spec, search }))
    .digest('hex')
    .slice(0, 16);
}

/** The hash searches recorded before resumes could change `trials`: the whole spec. */
function legacyHashSpec(spec: TrainSpec): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

function pick(metrics: Record<string, number>, key: string): Record<string, number> {
  return metrics[key] === undefined ? {} : { [key]: metrics[key] };
}

function metricsOf(metrics: Record<string, { value: number }> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics ?? {}).map(([key, metric]) => [key, metric.value]));
}

function inferTask(spec: TrainSpec, table: Table): NonNullable<TrainSpec['task']> {
  const all = Int32Array.from({ length: table.rowCount }, (_, row) => row);
  return fitTarget(table, spec.target, { rows: all, ...(spec.positiveClass !== undefined ? { positiveClass: spec.positiveClass } : {}) })
    .state.task;
}
