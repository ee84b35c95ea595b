import type { ActiveRun } from '@mlp/tracking';
import type { TrainModelResult } from './train-model.js';

/** Where a training's files go among the run's artifacts. */
export const artifactPaths = { model: 'model', evaluation: 'evaluation' } as const;

/**
 * Logs a finished training to its run: the final metrics (at the last epoch's step), the feature
 * issues and backend as tags, the confusion matrix and curves as JSON artifacts, and the model package.
 */
export async function logTrainingResult(run: ActiveRun, result: TrainModelResult, packageDir: string): Promise<void> {
  run.setTags({
    'mlp.train.backend': result.backend,
    'mlp.train.stopped_by': result.stoppedBy,
    'mlp.train.rows': `${result.rows.train}/${result.rows.validation}/${result.rows.test}`,
    ...(result.featureIssues.length ? { 'mlp.train.feature_issues': JSON.stringify(result.featureIssues) } : {}),
  });
  // Per-epoch metrics are logged already; the final evaluation adds the test split and timings. A
  // validation metric that differs from the last epoch's (best weights restored) goes at the next
  // step, as MLflow's Keras autologging does.
  const lastEpoch = result.history.at(-1)?.metrics ?? {};
  const final: Record<string, number> = {};
  const restored: Record<string, number> = {};
  for (const [key, value] of Object.entries(result.metrics)) {
    if (!(key in lastEpoch)) final[key] = value;
    else if (lastEpoch[key] !== value) restored[key] = value;
  }
  await run.logMetrics(final, { step: result.epochs });
  if (Object.keys(restored).length) await run.logMetrics(restored, { step: result.epochs + 1 });
  const { evaluation } = result;
  const files: [string, unknown][] = [
    ['confusion_matrix.json', evaluation.confusionMatrix],
    ['roc_curve.json', evaluation.roc],
    ['precision_recall_curve.json', evaluation.precisionRecall],
  ];
  for (const [name, value] of files)
    if (value !== undefined)
      await run.logArtifact(new TextEncoder().encode(`${JSON.stringify(value)}\n`), { path: `${artifactPaths.evaluation}/${name}` });
  await run.logArtifacts(packageDir, { path: artifactPaths.model });
  await run.flush();
}
