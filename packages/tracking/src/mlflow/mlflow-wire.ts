import { MlpError } from '@mlp/core';
import type { DatasetInput, Experiment, LifecycleStage, Metric, Run, RunStatus } from '../model.js';
import { runStatuses, systemTags } from '../model.js';

/**
 * MLflow's JSON (protobuf's JSON mapping) to and from mlp's model. Readers are lenient as protobuf's
 * parser is: absent lists are empty, int64 may come as strings, doubles as "NaN"/"Infinity".
 */

export type Json = Record<string, unknown>;

export const datasetContextTag = 'mlflow.data.context';

export function unexpected(what: string): MlpError {
  return new MlpError('INTERNAL', `Unexpected answer from the MLflow server: ${what}.`);
}

export function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unexpected(`${what} is missing or not an object`);
  return value as Json;
}

export const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
export const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

export function integer(value: unknown, what: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw unexpected(`${what} is ${JSON.stringify(value)}, not an integer`);
  return number;
}

const specialDoubles = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

function double(value: unknown, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = specialDoubles.get(value);
    if (special !== undefined) return special;
    if (value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  }
  throw unexpected(`${what} is ${JSON.stringify(value)}, not a number`);
}

/** JSON has no NaN or Infinity: protobuf's mapping writes them as strings, which MLflow reads back. */
export function doubleJson(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function pairs(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  for (const pair of list(value)) record[text(pair.key)] = text(pair.value);
  return record;
}

export const toPairs = (record: Record<string, string> = {}) => Object.entries(record).map(([key, value]) => ({ key, value }));

const stage = (value: unknown): LifecycleStage => (value === 'deleted' ? 'deleted' : 'active');

export function parseExperiment(value: unknown): Experiment {
  const json = object(value, 'experiment');
  const creationTime = json.creation_time === undefined ? 0 : integer(json.creation_time, 'creation_time');
  return {
    experimentId: text(json.experiment_id),
    name: text(json.name),
    artifactLocation: text(json.artifact_location),
    lifecycleStage: stage(json.lifecycle_stage),
    creationTime,
    lastUpdateTime: json.last_update_time === undefined ? creationTime : integer(json.last_update_time, 'last_update_time'),
    tags: pairs(json.tags),
  };
}

export function parseMetric(value: unknown): Metric {
  const json = object(value, 'metric');
  return {
    key: text(json.key),
    value: double(json.value, `metric ${text(json.key)}`),
    timestamp: json.timestamp === undefined ? 0 : integer(json.timestamp, 'timestamp'),
    step: json.step === undefined ? 0 : integer(json.step, 'step'),
  };
}

// MLflow's RunStatus enum numbers, which protobuf's JSON mapping also allows.
const statusByNumber = new Map<unknown, RunStatus>([
  [1, 'RUNNING'],
  [2, 'SCHEDULED'],
  [3, 'FINISHED'],
  [4, 'FAILED'],
  [5, 'KILLED'],
]);

function status(value: unknown): RunStatus {
  if (typeof value === 'string' && (runStatuses as readonly string[]).includes(value)) return value as RunStatus;
  const byNumber = statusByNumber.get(typeof value === 'string' ? Number(value) : value);
  if (!byNumber) throw unexpected(`run status ${JSON.stringify(value)}`);
  return byNumber;
}

function parseDatasetInput(value: Json): DatasetInput {
  const dataset = object(value.dataset, 'dataset input');
  const context = list(value.tags).find((tag) => tag.key === datasetContextTag)?.value;
  return {
    name: text(dataset.name),
    digest: text(dataset.digest),
    sourceType: text(dataset.source_type),
    source: text(dataset.source),
    ...(dataset.schema === undefined ? {} : { schema: text(dataset.schema) }),
    ...(dataset.profile === undefined ? {} : { profile: text(dataset.profile) }),
    ...(context === undefined ? {} : { context: text(context) }),
  };
}

export function parseRun(value: unknown): Run {
  const json = object(value, 'run');
  const info = object(json.info, 'run.info');
  const data = json.data === undefined ? {} : object(json.data, 'run.data');
  const inputs = json.inputs === undefined ? {} : object(json.inputs, 'run.inputs');
  const outputs = json.outputs === undefined ? {} : object(json.outputs, 'run.outputs');
  const tags = pairs(data.tags);
  const metrics: Record<string, Metric> = {};
  for (const metric of list(data.metrics).map(parseMetric)) metrics[metric.key] = metric;
  return {
    runId: text(info.run_id ?? info.run_uuid),
    name: text(info.run_name ?? tags[systemTags.runName]),
    experimentId: text(info.experiment_id),
    userId: text(info.user_id),
    status: status(info.status ?? 'RUNNING'),
    startTime: info.start_time === undefined ? 0 : integer(info.start_time, 'start_time'),
    endTime: info.end_time === undefined || info.end_time === null ? null : integer(info.end_time, 'end_time'),
    artifactUri: text(info.artifact_uri),
    lifecycleStage: stage(info.lifecycle_stage),
    parentRunId: tags[systemTags.parentRunId] ?? null,
    params: pairs(data.params),
    metrics,
    tags,
    inputs: list(inputs.dataset_inputs).map(parseDatasetInput),
    outputs: list(outputs.model_outputs).map((output) => ({
      modelId: text(output.model_id),
      step: output.step === undefined ? 0 : integer(output.step, 'step'),
    })),
  };
}

export function metricJson(metric: Metric) {
  return {
    key: metric.key,
    value: doubleJson(metric.value),
    timestamp: metric.timestamp,
    step: metric.step,
    ...(metric.modelId === undefined ? {} : { model_id: metric.modelId }),
    ...(metric.datasetName === undefined ? {} : { dataset_name: metric.datasetName }),
    ...(metric.datasetDigest === undefined ? {} : { dataset_digest: metric.datasetDigest }),
  };
}

export function datasetInputJson(input: DatasetInput) {
  return {
    tags: input.context === undefined ? [] : [{ key: datasetContextTag, value: input.context }],
    dataset: {
      name: input.name,
      digest: input.digest,
      source_type: input.sourceType,
      source: input.source,
      ...(input.schema === undefined ? {} : { schema: input.schema }),
      ...(input.profile === undefined ? {} : { profile: input.profile }),
    },
  };
}
