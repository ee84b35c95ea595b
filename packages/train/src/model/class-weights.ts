import { MlpError } from '@mlp/core';
import type { TargetState } from '../features/target-encoder.js';
import type { TrainSpec } from '../spec/train-spec.js';

/**
 * Per-class-index weights for the loss from the spec's `classWeights`: `balanced` gives each class
 * n / (k · count) on the training labels, as scikit-learn does; a map gives a weight per class value.
 */
export function classWeightsFor(
  classWeights: TrainSpec['classWeights'],
  labels: Float32Array,
  target: TargetState,
): { classWeights?: number[] } {
  if (classWeights === undefined) return {};
  if (target.task === 'regression' || !target.classes)
    throw new MlpError('INVALID_ARGUMENT', 'classWeights apply to classification; remove them from a regression spec.');
  const classes = target.classes;
  if (classWeights === 'balanced') {
    const counts = new Array<number>(classes.length).fill(0);
    for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
    return { classWeights: counts.map((count) => (count === 0 ? 1 : labels.length / (classes.length * count))) };
  }
  const unknown = Object.keys(classWeights).filter((key) => !classes.some((value) => String(value) === key));
  if (unknown.length)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `classWeights names ${unknown.map((key) => JSON.stringify(key)).join(', ')}, not among the classes ${classes.map((value) => JSON.stringify(String(value))).join(', ')}.`,
    );
  return { classWeights: classes.map((value) => classWeights[String(value)] ?? 1) };
}
