import type { TextTable } from '@mlp/cli';
import type { Experiment, Run } from '../model.js';
import { formatMetricValue, formatTimestamp, oneLine, runDuration } from './human-format.js';

/**
 * `mlp runs show`: one aligned key-value table, attributes first, then `params.*`, `metrics.*` (with
 * their step) and `tags.*`, each group sorted by key, so it reads top to bottom and greps well.
 */
export function runDetailsTable(run: Run, experiment: Experiment | undefined, now: number): TextTable {
  const sorted = <T>(record: Record<string, T>) => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: string[][] = [
    ['run id', run.runId],
    ['name', oneLine(run.name)],
    ['experiment', experiment ? `${run.experimentId} (${oneLine(experiment.name)})` : run.experimentId],
    ['status', run.status],
    ['lifecycle', run.lifecycleStage],
    ['start', formatTimestamp(run.startTime)],
    ['end', formatTimestamp(run.endTime)],
    ['duration', runDuration(run, now)],
    ...(run.parentRunId ? [['parent run', run.parentRunId]] : []),
    ['artifact uri', run.artifactUri],
    ...sorted(run.params).map(([key, value]) => [`params.${key}`, oneLine(value)]),
    ...sorted(run.metrics).map(([key, metric]) => [`metrics.${key}`, `${formatMetricValue(metric.value)} (step ${metric.step})`]),
    ...sorted(run.tags).map(([key, value]) => [`tags.${key}`, oneLine(value)]),
  ];
  return { rows };
}
