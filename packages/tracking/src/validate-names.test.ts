import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import {
  assertBatchSize,
  assertLogBatch,
  assertMetricInteger,
  assertMetricValue,
  assertParamValue,
  assertTagValue,
  assertTrackingKey,
  trackingKeyProblem,
} from './validate-names.js';

function errorOf(fn: () => void): MlpError {
  try {
    fn();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}

describe('tracking key rules (MLflow names)', () => {
  it.each(['loss', 'val/loss', 'eval.acc_1', 'a b:c-d_e.f', 'ü/ä', 'x'.repeat(250), '日本語'])('accepts %j', (key) => {
    expect(trackingKeyProblem('metric', key)).toBeUndefined();
  });

  it.each([
    ['', /must not be empty/],
    ['x'.repeat(251), /251 characters; the limit is 250/],
    ['a,b', /may only hold letters, digits/],
    ['a\nb', /may only hold letters, digits/],
    ['/abs', /must not start with '\/'/],
    ['a/../b', /normalised relative path/],
    ['..', /normalised relative path/],
    ['a//b', /normalised relative path/],
    ['a/./b', /normalised relative path/],
    ['a/', /normalised relative path/],
  ])('rejects %j', (key, message) => {
    const error = errorOf(() => assertTrackingKey('param', key));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^The param key|^A param key/);
  });

  it('rejects keys that are not strings', () => {
    expect(trackingKeyProblem('tag', 42)).toBe('a tag key must be a string, not number');
    expect(trackingKeyProblem('tag', null)).toBe('a tag key must be a string, not null');
  });

  it('counts characters as code points, like MLflow (an emoji is one)', () => {
    expect(trackingKeyProblem('metric', 'é'.normalize('NFC').repeat(250))).toBeUndefined();
    expect(() => assertParamValue('k', '😀'.repeat(6000))).not.toThrow();
    expect(() => assertParamValue('k', '😀'.repeat(6001))).toThrow(/6001 characters; the limit is 6000/);
  });
});

describe('value rules', () => {
  it('limits param values to 6000 and tag values to 8000 characters, naming the key', () => {
    expect(() => assertParamValue('lr', 'x'.repeat(6000))).not.toThrow();
    expect(errorOf(() => assertParamValue('lr', 'x'.repeat(6001))).message).toBe(
      'The value of param "lr" is 6001 characters; the limit is 6000. Log long text as an artifact instead.',
    );
    expect(() => assertTagValue('note', 'x'.repeat(8000))).not.toThrow();
    expect(errorOf(() => assertTagValue('note', 'x'.repeat(8001))).code).toBe('INVALID_ARGUMENT');
  });

  it('takes numbers as metric values, NaN and infinities included, and nothing else', () => {
    for (const value of [0, -1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => assertMetricValue('m', value)).not.toThrow();
    }
    expect(errorOf(() => assertMetricValue('m', true)).message).toBe('The value of metric "m" must be a number, not boolean (true).');
    expect(errorOf(() => assertMetricValue('m', '1')).code).toBe('INVALID_ARGUMENT');
  });

  it('wants integer steps and timestamps', () => {
    expect(() => assertMetricInteger('m', 'step', -3)).not.toThrow();
    expect(errorOf(() => assertMetricInteger('m', 'step', 1.5)).message).toBe('The step of metric "m" must be an integer, not 1.5.');
    expect(errorOf(() => assertMetricInteger('m', 'timestamp', Number.NaN)).message).toMatch(/epoch milliseconds/);
  });
});

describe('log-batch rules', () => {
  it("enforces MLflow's batch limits", () => {
    expect(() => assertBatchSize(1000, 0, 0)).not.toThrow();
    expect(() => assertBatchSize(900, 50, 50)).not.toThrow();
    expect(() => assertBatchSize(1001, 0, 0)).toThrow(/at most 1000 metrics, 100 params, 100 tags and 1000 in all/);
    expect(() => assertBatchSize(0, 101, 0)).toThrow(MlpError);
    expect(() => assertBatchSize(0, 0, 101)).toThrow(MlpError);
    expect(() => assertBatchSize(901, 50, 50)).toThrow(/this one has 901 metrics, 50 params and 50 tags/);
  });

  it('checks every entry and refuses one param with two values in one batch', () => {
    const metric = { key: 'm', value: 1, timestamp: 1, step: 0 };
    expect(() => assertLogBatch({ metrics: [metric], params: [{ key: 'p', value: '1' }], tags: [{ key: 't', value: 'x' }] })).not.toThrow();
    expect(() => assertLogBatch({ metrics: [{ ...metric, step: 0.5 }] })).toThrow(/step of metric/);
    expect(() => assertLogBatch({ tags: [{ key: 'bad,key', value: '' }] })).toThrow(/tag key/);
    expect(() =>
      assertLogBatch({
        params: [
          { key: 'p', value: '1' },
          { key: 'p', value: '1' },
        ],
      }),
    ).not.toThrow();
    expect(() =>
      assertLogBatch({
        params: [
          { key: 'p', value: '1' },
          { key: 'p', value: '2' },
        ],
      }),
    ).toThrow(/two values/);
  });
});
