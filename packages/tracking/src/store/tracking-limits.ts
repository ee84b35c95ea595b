import { MlpError } from '@mlp/core';
import type { Metric, Param, Tag } from '../model.js';

/** MLflow's limits; over-limit input is an error, never silently cut. */
export const trackingLimits = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchTotal: 1000,
} as const;

const keyPattern = /^[/\w.\- :]*$/;

function invalid(message: string): MlpError {
  return new MlpError('INVALID_ARGUMENT', message);
}

/** Throws INVALID_ARGUMENT unless `key` is a valid metric, param or tag name. */
export function assertTrackingKey(kind: 'metric' | 'param' | 'tag', key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw invalid(`A ${kind} key must be a non-empty string.`);
  if (key.length > trackingLimits.keyLength)
    throw invalid(
      `The ${kind} key ${JSON.stringify(`${key.slice(0, 40)}…`)} is ${key.length} characters; the limit is ${trackingLimits.keyLength}.`,
    );
  if (!keyPattern.test(key)) {
    throw invalid(
      `The ${kind} key ${JSON.stringify(key)} may only hold letters, digits, underscores, dashes, periods, spaces, colons and slashes.`,
    );
  }
  if (key.startsWith('/') || key.split('/').includes('..'))
    throw invalid(`The ${kind} key ${JSON.stringify(key)} must be a relative path without '..'.`);
}

export function assertParam(param: Param): void {
  assertTrackingKey('param', param.key);
  if (typeof param.value !== 'string') throw invalid(`The value of param ${param.key} must be a string.`);
  if (param.value.length > trackingLimits.paramValueLength) {
    throw invalid(
      `The value of param ${param.key} is ${param.value.length} characters; the limit is ${trackingLimits.paramValueLength}. Log long text as an artifact.`,
    );
  }
}

export function assertTag(tag: Tag): void {
  assertTrackingKey('tag', tag.key);
  if (typeof tag.value !== 'string') throw invalid(`The value of tag ${tag.key} must be a string.`);
  if (tag.value.length > trackingLimits.tagValueLength) {
    throw invalid(
      `The value of tag ${tag.key} is ${tag.value.length} characters; the limit is ${trackingLimits.tagValueLength}. Log long text as an artifact.`,
    );
  }
}

export function assertMetric(metric: Metric): void {
  assertTrackingKey('metric', metric.key);
  if (typeof metric.value !== 'number') throw invalid(`The value of metric ${metric.key} must be a number, got ${typeof metric.value}.`);
  if (!Number.isSafeInteger(metric.timestamp))
    throw invalid(`The timestamp of metric ${metric.key} must be an integer (epoch milliseconds).`);
  if (!Number.isSafeInteger(metric.step)) throw invalid(`The step of metric ${metric.key} must be an integer.`);
}

export function assertBatchSize(metrics: number, params: number, tags: number): void {
  if (
    metrics > trackingLimits.batchMetrics ||
    params > trackingLimits.batchParams ||
    tags > trackingLimits.batchTags ||
    metrics + params + tags > trackingLimits.batchTotal
  ) {
    throw invalid(
      `A batch may hold at most ${trackingLimits.batchMetrics} metrics, ${trackingLimits.batchParams} params, ${trackingLimits.batchTags} tags and ${trackingLimits.batchTotal} in all; ` +
        `this one has ${metrics}, ${params} and ${tags}. Split it.`,
    );
  }
}
