import { MlpError } from '@mlp/core';
import { z } from 'zod';
import { alertRuleSchema } from '../alerts/alert-rules.js';
import { columnDriftOptionsSchema } from '../drift/detect-drift.js';

/** What a monitor watches: a deployment's prediction log (by the model name its servers log), or a dataset's latest version. */
export const monitorSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('deployment'),
    deployment: z.string().min(1),
    /** The model name the servers log under (the deployment's model; the deployment's name by default). */
    model: z.string().min(1),
    /** Only this model version's predictions. */
    modelVersion: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('dataset'), dataset: z.string().regex(/^[^@/\\\s]+$/, 'a dataset name, without @version') }),
]);

/**
 * Where the reference comes from: a data file, a dataset version (`flights@3`), or the training data of a
 * model version (`models:/flights-delay@champion`), found through lineage: the registry gives the version's
 * run, data-version's lineage the dataset versions that run read.
 */
export const monitorReferenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), file: z.string().min(1) }),
  z.object({ kind: z.literal('dataset'), ref: z.string().min(1) }),
  z.object({ kind: z.literal('training-data'), model: z.string().regex(/^models:\/[^/@]+(@[^/@]+|\/\d+)$/) }),
]);

export const monitorScheduleSchema = z.union([
  z.object({ cron: z.string().min(1), timezone: z.string().optional() }),
  z.object({ everyMs: z.number().int().min(1000) }),
]);

/** A deployment monitor's model task: each run measures quality from the labels that arrived for the window's requests. */
export const monitorQualitySchema = z.object({
  task: z.enum(['binary', 'multiclass', 'regression']),
  /** The column with the predicted class or value (`prediction`, or the score's class for binary with only a score column). */
  predictionColumn: z.string().min(1).optional(),
  /** Binary: the positive class's probability (ROC AUC and log loss need it). */
  scoreColumn: z.string().min(1).optional(),
  positiveClass: z.string().min(1).optional(),
});
export type MonitorQualitySpec = z.output<typeof monitorQualitySchema>;

export const monitorNamePattern = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

export const monitorSpecSchema = z.object({
  name: z.string().regex(monitorNamePattern, 'must start with a letter: letters, digits, _ . and -'),
  source: monitorSourceSchema,
  reference: monitorReferenceSchema,
  /** What the reference resolved to when its profile was stored (`flights@3 (training data of flights-delay version 2)`). */
  referenceResolved: z.string().nullable().default(null),
  /** The window each run computes, ending at the run's time (or `--window-end`). */
  windowMs: z.number().int().min(1000),
  tests: z
    .object({
      columns: z.array(z.string()).optional(),
      test: z.string().min(1).optional(),
      threshold: z.number().finite().optional(),
      perColumn: z.record(z.string(), columnDriftOptionsSchema).optional(),
      driftShare: z.number().min(0).max(1).default(0.5),
    })
    .default({ driftShare: 0.5 }),
  schedule: monitorScheduleSchema.nullable().default(null),
  /** Model quality per window (deployment monitors), or null. */
  quality: monitorQualitySchema.nullable().default(null),
  alerts: z.array(alertRuleSchema).default([]),
  /** Alert transitions are POSTed here, signed with the monitor's secret. */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
});
export type MonitorSpec = z.output<typeof monitorSpecSchema>;
export type MonitorSpecInput = z.input<typeof monitorSpecSchema>;

export function parseMonitorSpec(input: unknown): MonitorSpec {
  const parsed = monitorSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlpError('INVALID_ARGUMENT', `Monitor spec: ${issue?.path.join('.') || 'the spec'} ${issue?.message ?? 'is invalid'}.`);
  }
  if (parsed.data.quality && parsed.data.source.kind !== 'deployment')
    throw new MlpError('INVALID_ARGUMENT', 'Model quality (--task) needs a deployment monitor: labels are joined to its prediction log.');
  if (parsed.data.quality?.scoreColumn && parsed.data.quality.task !== 'binary')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--score-column is for binary classifiers; a ${parsed.data.quality.task} task is measured on --prediction-column.`,
    );
  const names = new Set<string>();
  for (const rule of parsed.data.alerts) {
    if (names.has(rule.name)) throw new MlpError('INVALID_ARGUMENT', `Two alert rules are named ${rule.name}: give each its own name.`);
    names.add(rule.name);
  }
  return parsed.data;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `1h`, `1d` (or a number of milliseconds) as milliseconds. */
export function parseDurationMs(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (units[match[2] ?? 'ms'] as number) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new MlpError('INVALID_ARGUMENT', `${what} ${JSON.stringify(text)} is not a duration: write 30s, 10m, 1h or 1d.`);
  return Math.round(value);
}

const metricNames = ['drift_share', 'column_score', 'error_rate', 'latency_p95', 'quality'];
/** Quality metrics an alert may name directly (`accuracy<0.8` is `quality[accuracy]<0.8`). */
export const qualityMetricNames = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss', 'rmse', 'mae', 'r2'];

/**
 * An alert rule as the CLI takes it: `drift_share>=0.5 for 10m`, `column_score[delay]<0.05`,
 * `latency_p95>250 for 5m critical`; named after its metric (and column) unless `NAME:` leads it.
 */
export function parseAlertExpression(text: string): z.input<typeof alertRuleSchema> {
  const match =
    /^\s*(?:([A-Za-z][A-Za-z0-9_-]*):\s*)?([a-z_0-9]+)(?:\[([^\]]+)\])?\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(?:for\s+(\S+))?\s*(warning|critical)?\s*$/.exec(
      text,
    );
  const alias = match && qualityMetricNames.includes(match[2] as string) && match[3] === undefined;
  if (!match || !(alias || metricNames.includes(match[2] as string))) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--alert ${JSON.stringify(text)}: write METRIC OP VALUE [for DURATION] [warning|critical], e.g. 'drift_share>=0.5 for 10m', 'column_score[delay]<0.05' or 'accuracy<0.8'; metrics: ${[...metricNames, ...qualityMetricNames].join(', ')}.`,
    );
  }
  if (match[2] === 'quality' && match[3] !== undefined && !qualityMetricNames.includes(match[3]))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--alert ${JSON.stringify(text)}: quality[${match[3]}] is not one of ${qualityMetricNames.join(', ')}.`,
    );
  const [, name, written, writtenColumn, op, value, forText, severity] = match;
  const metric = alias ? 'quality' : written;
  const column = alias ? written : writtenColumn;
  return {
    name: name ?? (alias ? (written as string) : column ? `${metric}_${column.replace(/[^A-Za-z0-9_-]/g, '_')}` : (metric as string)),
    metric: metric as (typeof metricNames)[number] as z.input<typeof alertRuleSchema>['metric'],
    ...(column ? { column } : {}),
    op: op as '>' | '>=' | '<' | '<=',
    threshold: Number(value),
    forMs: forText ? parseDurationMs(forText, 'for') : 0,
    ...(severity ? { severity: severity as 'warning' | 'critical' } : {}),
  };
}
