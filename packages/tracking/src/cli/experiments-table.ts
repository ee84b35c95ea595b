import type { TextTable } from '@mlp/cli';
import type { Experiment } from '../model.js';
import { formatTimestamp, oneLine } from './human-format.js';

/** `mlp experiments ls`: id, name, lifecycle, creation time and where its artifacts go. */
export function experimentsTable(experiments: readonly Experiment[]): TextTable {
  return {
    columns: ['id', 'name', 'lifecycle', 'created', 'artifact location'],
    rows: experiments.map((experiment) => [
      experiment.experimentId,
      oneLine(experiment.name, 60),
      experiment.lifecycleStage,
      formatTimestamp(experiment.creationTime),
      experiment.artifactLocation,
    ]),
  };
}
