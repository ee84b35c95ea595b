import { MlpError, textProblem } from '@mlp/core';
import { type DatasetInput, systemTags } from './model.js';
import type { BatchLimits, CreateExperimentInput, CreateRunInput, LogBatchInput, UpdateRunInput } from './store/tracking-store.js';

/**
 * MLflow's limits (mlflow/utils/validation.py, and its runs table for names and user ids). Over-limit
 * input is an error here, never silently cut. The SDK and every server route check through this file.
 */
export const trackingLimits = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  experimentTagValueLength: 5000,
  runNameLength: 250,
  userIdLength: 256,
  datasetNameLength: 500,
  datasetDigestLength: 36,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_777_215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
} as const;

const runNameTag = systemTags.runName;

export type TrackingKeyKind = 'metric' | 'param' | 'tag';

// MLflow's `^[/\w.\- :]*$` is a Python pattern, where `\w` is Unicode-aware: `[\p{L}\p{N}_]` is its JS equal.
const keyPattern = /^[/\p{L}\p{N}_.\- :]*$/u;

function invalid(message: string, details?: Record<string, unknown>): MlpError {
  return new MlpError('INVALID_ARGUMENT', message, details ? { details } : {});
}

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** Characters as Python counts them (code points), so a limit means the same here and in MLflow. */
function codePointLength(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// One rule for every package and the HTTP layer; re-exported as part of tracking's API.
export { textProblem } from '@mlp/core';

/** Throws INVALID_ARGUMENT when `value` is not a string, holds NUL or a lone surrogate, or is over `limit` characters. */
export function assertText(what: string, value: unknown, limit?: number): asserts value is string {
  if (typeof value !== 'string') throw invalid(`The ${what} must be a string, not ${value === null ? 'null' : typeof value}.`);
  const problem = textProblem(value);
  if (problem) throw invalid(`The ${what} ${problem}.`, { what });
  const length = limit === undefined ? undefined : overLimit(value, limit);
  if (length !== undefined)
    throw invalid(`The ${what} ${preview(value)} is ${length} characters; the limit is ${limit}.`, { what, length });
}

/** A string's length in code points, counted only when its UTF-16 length could be over `limit`. */
function overLimit(value: string, limit: number): number | undefined {
  if (value.length <= limit) return undefined;
  const length = codePointLength(value);
  return length > limit ? length : undefined;
}

/**
 * Which rule `key` breaks as a metric, param or tag name, or undefined when it is valid: a non-empty
 * string of at most 250 characters of letters, digits, `_ . - : /` and spaces, that is a normalised
 * relative path (MLflow's `path_not_unique`: no leading `/`, no `.`/`..`/empty segments).
 */
export function trackingKeyProblem(kind: TrackingKeyKind, key: unknown): string | undefined {
  if (typeof key !== 'string') return `a ${kind} key must be a string, not ${key === null ? 'null' : typeof key}`;
  if (key === '') return `a ${kind} key must not be empty`;
  const text = textProblem(key);
  if (text) return `the ${kind} key ${preview(key)} ${text}`;
  const length = overLimit(key, trackingLimits.keyLength);
  if (length !== undefined) return `the ${kind} key ${preview(key)} is ${length} characters; the limit is ${trackingLimits.keyLength}`;
  if (!keyPattern.test(key)) {
    return `the ${kind} key ${preview(key)} may only hold letters, digits, underscores, dashes, periods, spaces, colons and slashes`;
  }
  if (key.startsWith('/')) return `the ${kind} key ${preview(key)} must not start with '/'`;
  for (const segment of key.split('/')) {
    if (segment === '..' || segment === '.' || segment === '') {
      return `the ${kind} key ${preview(key)} must be a normalised relative path: no '..', '.' or empty segments and no trailing '/'`;
    }
  }
  return undefined;
}

function capitalised(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

/** Throws INVALID_ARGUMENT naming the key and the rule it breaks. */
export function assertTrackingKey(kind: TrackingKeyKind, key: unknown): asserts key is string {
  const problem = trackingKeyProblem(kind, key);
  if (problem) throw invalid(capitalised(problem), { kind, key });
}

/** Throws INVALID_ARGUMENT unless `value` is a string within MLflow's param value limit. */
export function assertParamValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string')
    throw invalid(`The value of param ${preview(key)} must be a string, not ${value === null ? 'null' : typeof value}.`);
  const text = textProblem(value);
  if (text) throw invalid(`The value of param ${preview(key)} ${text}.`, { key });
  const length = overLimit(value, trackingLimits.paramValueLength);
  if (length !== undefined) {
    throw invalid(
      `The value of param ${preview(key)} is ${length} characters; the limit is ${trackingLimits.paramValueLength}. Log long text as an artifact instead.`,
      { key, length },
    );
  }
}

/**
 * Throws INVALID_ARGUMENT unless `value` is a string within MLflow's tag value limit (a run tag's by
 * default; experiment tags pass theirs). The run name tag is held to the run name limit.
 */
export function assertTagValue(key: string, value: unknown, limit: number = trackingLimits.tagValueLength): asserts value is string {
  if (typeof value !== 'string')
    throw invalid(`The value of tag ${preview(key)} must be a string, not ${value === null ? 'null' : typeof value}.`);
  const text = textProblem(value);
  if (text) throw invalid(`The value of tag ${preview(key)} ${text}.`, { key });
  const length = overLimit(value, limit);
  if (length !== undefined) {
    throw invalid(
      `The value of tag ${preview(key)} is ${length} characters; the limit is ${limit}. Log long text as an artifact instead.`,
      { key, length },
    );
  }
  if (key === runNameTag) assertRunName(value);
}

/** Throws INVALID_ARGUMENT unless `value` is a number (NaN and ±Infinity are numbers, and allowed). */
export function assertMetricValue(key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    throw invalid(
      `The value of metric ${preview(key)} must be a number, not ${value === null ? 'null' : typeof value} (${String(value)}).`,
      { key },
    );
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a safe integer; `what` is `step` or `timestamp`. */
export function assertMetricInteger(key: string, what: 'step' | 'timestamp', value: unknown): asserts value is number {
  if (!Number.isSafeInteger(value)) {
    const hint = what === 'timestamp' ? ' (epoch milliseconds, as Date.now() gives)' : '';
    throw invalid(`The ${what} of metric ${preview(key)} must be an integer${hint}, not ${String(value)}.`, { key });
  }
}

/** MLflow's log-batch limits. */
export const mlflowBatchLimits: BatchLimits = {
  metrics: trackingLimits.batchMetrics,
  params: trackingLimits.batchParams,
  tags: trackingLimits.batchTags,
  total: trackingLimits.batchTotal,
};

/** Throws INVALID_ARGUMENT when a batch is over the limits (MLflow's log-batch limits by default). */
export function assertBatchSize(metrics: number, params: number, tags: number, limits: BatchLimits = mlflowBatchLimits): void {
  const l = limits;
  if (metrics > l.metrics || params > l.params || tags > l.tags || metrics + params + tags > l.total) {
    throw invalid(
      `A batch may hold at most ${l.metrics} metrics, ${l.params} params, ${l.tags} tags and ${l.total} in all; ` +
        `this one has ${metrics} metrics, ${params} params and ${tags} tags. Split it.`,
    );
  }
}

/**
 * Validates a whole log-batch as a store receives it: sizes, every key and value, and that one
 * batch does not give a param two values. For stores, so a bad batch is refused before any write.
 */
export function assertLogBatch(batch: LogBatchInput, limits?: BatchLimits): void {
  const metrics = batch.metrics ?? [];
  const params = batch.params ?? [];
  const tags = batch.tags ?? [];
  assertBatchSize(metrics.length, params.length, tags.length, limits);
  for (const metric of metrics) {
    assertTrackingKey('metric', metric.key);
    assertMetricValue(metric.key, metric.value);
    assertMetricInteger(metric.key, 'timestamp', metric.timestamp);
    assertMetricInteger(metric.key, 'step', metric.step);
  }
  const seen = new Map<string, string>();
  for (const param of params) {
    assertTrackingKey('param', param.key);
    assertParamValue(param.key, param.value);
    const earlier = seen.get(param.key);
    if (earlier !== undefined && earlier !== param.value) {
      throw invalid(
        `The batch gives param ${preview(param.key)} two values (${preview(earlier)} and ${preview(param.value)}); params are write-once.`,
      );
    }
    seen.set(param.key, param.value);
  }
  for (const tag of tags) {
    assertTrackingKey('tag', tag.key);
    assertTagValue(tag.key, tag.value);
  }
}

/** Throws INVALID_ARGUMENT unless `name` is a run name MLflow can keep (its runs table holds 250 characters). */
export function assertRunName(name: unknown): asserts name is string {
  assertText('run name', name, trackingLimits.runNameLength);
}

/** Throws INVALID_ARGUMENT unless `name` is a non-empty experiment name within MLflow's limit. */
export function assertExperimentName(name: unknown): asserts name is string {
  assertText('experiment name', name, trackingLimits.experimentNameLength);
  if (name === '') throw invalid('The experiment name must not be empty.');
}

/** Throws INVALID_ARGUMENT unless `key` and `value` make an experiment tag (MLflow's `_validate_experiment_tag`). */
export function assertExperimentTag(key: unknown, value: unknown): void {
  assertTrackingKey('tag', key);
  assertTagValue(key, value, trackingLimits.experimentTagValueLength);
}

/** Everything `createExperiment` stores, checked before the store sees it. */
export function assertCreateExperiment(input: CreateExperimentInput): void {
  assertExperimentName(input.name);
  if (input.artifactLocation !== undefined) assertText('artifact location', input.artifactLocation);
  for (const [key, value] of Object.entries(input.tags ?? {})) assertExperimentTag(key, value);
}

/** Everything `createRun` stores: name, user, parent and tags (the run name tag as a run name). */
export function assertCreateRun(input: CreateRunInput): void {
  assertText('experiment id', input.experimentId);
  if (input.name !== undefined) assertRunName(input.name);
  if (input.userId !== undefined) assertText('user id', input.userId, trackingLimits.userIdLength);
  if (input.parentRunId !== undefined) assertText('parent run id', input.parentRunId);
  for (const [key, value] of Object.entries(input.tags ?? {})) {
    assertTrackingKey('tag', key);
    assertTagValue(key, value);
  }
}

/** A run's new name, the only free text `updateRun` stores. */
export function assertUpdateRun(input: UpdateRunInput): void {
  if (input.name !== undefined) assertRunName(input.name);
}

/** Throws INVALID_ARGUMENT unless a dataset input's tag (MLflow's InputTag) is within MLflow's limits. */
export function assertInputTag(key: unknown, value: unknown): void {
  assertText('input tag key', key, trackingLimits.inputTagKeyLength);
  assertText(`value of input tag ${preview(key)}`, value, trackingLimits.inputTagValueLength);
}

/** Throws INVALID_ARGUMENT unless every dataset input is within MLflow's dataset limits (`_validate_dataset`). */
export function assertDatasetInputs(datasets: readonly DatasetInput[]): void {
  const l = trackingLimits;
  for (const dataset of datasets) {
    assertText('dataset name', dataset.name, l.datasetNameLength);
    assertText(`digest of dataset ${preview(dataset.name)}`, dataset.digest, l.datasetDigestLength);
    assertText(`source type of dataset ${preview(dataset.name)}`, dataset.sourceType);
    assertText(`source of dataset ${preview(dataset.name)}`, dataset.source, l.datasetSourceLength);
    if (dataset.schema !== undefined) assertText(`schema of dataset ${preview(dataset.name)}`, dataset.schema, l.datasetSchemaLength);
    if (dataset.profile !== undefined) assertText(`profile of dataset ${preview(dataset.name)}`, dataset.profile, l.datasetProfileLength);
    if (dataset.context !== undefined) assertInputTag('mlflow.data.context', dataset.context);
  }
}
