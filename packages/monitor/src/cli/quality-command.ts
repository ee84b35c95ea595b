import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { parseDurationMs } from '../monitors/monitor-spec.js';
import { openLabelStore } from '../quality/label-store.js';
import { measureModelQuality, type QualityTask } from '../quality/model-quality.js';
import { qualityJson } from './json-shapes.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

interface QualityFlags {
  model?: string;
  deployment?: string;
  task: string;
  from?: string;
  to?: string;
  window: string;
  predictionColumn?: string;
  scoreColumn?: string;
  positiveClass?: string;
}

const tasks: readonly QualityTask[] = ['binary', 'multiclass', 'regression'];

/** A time flag: epoch milliseconds or an ISO 8601 date. */
function timeOf(flag: string, value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms))
    throw new MlpError('INVALID_ARGUMENT', `${flag} ${value} is not a time: give epoch milliseconds or an ISO date.`);
  return ms;
}

const shown = (value: number | null | undefined) => (value === null || value === undefined ? '–' : Number(value.toPrecision(4)).toString());

/** `mlp monitor quality --model M`: model quality per window from the prediction log joined to the stored labels. */
export function registerQuality(monitor: Command, context: CliContext): void {
  monitor
    .command('quality')
    .description('model quality per window: the prediction log joined to the labels stored with `mlp monitor labels`')
    .option('--model <name>', 'the served model whose predictions are measured; required')
    .option('--deployment <name>', 'the deployment the labels were stored under (default: the model’s name); only its predictions')
    .option('--task <task>', 'binary, multiclass or regression', 'binary')
    .option('--from <time>', 'start (epoch ms or ISO date; default: 24 hours before --to)')
    .option('--to <time>', 'end, exclusive (default: now)')
    .option('--window <duration>', 'window length (30m, 1h, 1d)', '1h')
    .option('--prediction-column <name>', 'the column with the predicted class or value (default: prediction, or from --score-column)')
    .option('--score-column <name>', 'binary: the column with the positive class’s probability (for ROC AUC and log loss)')
    .option('--positive-class <class>', 'binary: the positive class (1; true counts as 1)')
    .action(async (flags: QualityFlags) => {
      if (!flags.model)
        throw new MlpError('INVALID_ARGUMENT', 'mlp monitor quality needs --model NAME: the served model whose predictions are measured.');
      const task = flags.task as QualityTask;
      if (!tasks.includes(task)) throw new MlpError('INVALID_ARGUMENT', `--task ${flags.task}: use binary, multiclass or regression.`);
      const windowMs = parseDurationMs(flags.window, '--window');
      const to = flags.to ? timeOf('--to', flags.to) : Date.now();
      const from = flags.from ? timeOf('--from', flags.from) : to - 86_400_000;
      if (from >= to)
        throw new MlpError(
          'INVALID_ARGUMENT',
          `--from must lie before --to (${new Date(from).toISOString()} ≥ ${new Date(to).toISOString()}).`,
        );
      const workspace = await context.openWorkspace({ applicationName: 'mlp monitor quality' });
      const log = await context.service('predictionLog');
      if (!log) {
        throw new MlpError(
          'FAILED_PRECONDITION',
          'mlp monitor quality reads the prediction log, which needs @mlp/deploy: npm install @mlp/deploy.',
        );
      }
      const labels = await openLabelStore(workspace);
      const windows = await measureModelQuality(log, {
        labels,
        model: flags.model,
        ...(flags.deployment ? { deployment: flags.deployment } : {}),
        from,
        to,
        windowMs,
        task,
        ...(flags.predictionColumn ? { predictionColumn: flags.predictionColumn } : {}),
        ...(flags.scoreColumn ? { scoreColumn: flags.scoreColumn } : {}),
        ...(flags.positiveClass ? { positiveClass: flags.positiveClass } : {}),
        onProgress: ({ rows, labelled }) => context.progress(`${rows} predictions read, ${labelled} labelled`),
      });
      const columns =
        task === 'regression'
          ? ['window', 'predictions', 'labelled', 'rmse', 'mae', 'r2']
          : ['window', 'predictions', 'labelled', 'accuracy', 'precision', 'recall', 'f1', 'roc auc', 'log loss'];
      context.output(
        {
          columns,
          rows: windows.map((window) => {
            const metrics = (window.metrics ?? {}) as Record<string, number | null>;
            const keys = task === 'regression' ? ['rmse', 'mae', 'r2'] : ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss'];
            return [
              new Date(window.start).toISOString(),
              String(window.predictions),
              String(window.labelled),
              ...keys.map((key) => shown(metrics[key])),
            ];
          }),
          footer: `${windows.length} window${windows.length === 1 ? '' : 's'} with predictions of ${flags.model}${windows.some((window) => window.problem) ? `; ${windows.find((window) => window.problem)?.problem}` : ''}`,
        },
        qualityJson({ model: flags.model, deployment: flags.deployment ?? flags.model, task, from, to, windowMs, windows }),
      );
    });
}
